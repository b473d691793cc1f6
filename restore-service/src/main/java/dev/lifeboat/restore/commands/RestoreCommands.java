package dev.lifeboat.restore.commands;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.CloudEventRecords;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes confirmed restores to {@code lifeboat.restore.commands}: execution happens in the
 * consumer of that topic, so a confirmed restore survives a restart of the service.
 */
@ApplicationScoped
public class RestoreCommands {
  public static final String CHANNEL = "restore-commands";

  private final MutinyEmitter<byte[]> emitter;
  private final CloudEventCodec codec;

  public RestoreCommands(@Channel(CHANNEL) MutinyEmitter<byte[]> emitter, CloudEventCodec codec) {
    this.emitter = emitter;
    this.codec = codec;
  }

  public Uni<Void> send(CloudEvent<RestoreEvents.Confirmed> command) {
    return emitter.sendMessage(CloudEventRecords.message(codec, command, command.subject()));
  }
}
