package dev.lifeboat.backup.requests;

import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.messaging.CloudEventRecords;
import dev.lifeboat.common.messaging.EventPublisher;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes backup commands to {@code lifeboat.backup.requests} for the API and the scheduler, so
 * their backups take the same path as a pipeline's.
 */
@ApplicationScoped
public class BackupCommands {
  public static final String CHANNEL = "backup-commands";

  private final MutinyEmitter<byte[]> emitter;
  private final CloudEventCodec codec;
  private final EventPublisher events;

  public BackupCommands(
      @Channel(CHANNEL) MutinyEmitter<byte[]> emitter,
      CloudEventCodec codec,
      EventPublisher events) {
    this.emitter = emitter;
    this.codec = codec;
    this.events = events;
  }

  /**
   * A command from {@code part} of this service ({@code /lifeboat/backup-service/api}, {@code
   * .../schedule}); it correlates with itself, as a pipeline's first command does.
   */
  public CloudEvent<BackupEvents.Requested> command(
      String part, String commandId, BackupEvents.Requested data) {
    return data.command(events.source(part), commandId, commandId);
  }

  /** Completes when the broker has the command. */
  public Uni<Void> send(CloudEvent<BackupEvents.Requested> command) {
    return emitter.sendMessage(CloudEventRecords.message(codec, command, command.subject()));
  }
}
