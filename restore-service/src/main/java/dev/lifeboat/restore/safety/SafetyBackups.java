package dev.lifeboat.restore.safety;

import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.messaging.CloudEventRecords;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The safety backup before a restore: a normal backup through backup-service, requested on {@code
 * lifeboat.backup.requests} with reason {@code pre-restore} and the restore's correlation id, and
 * awaited through its {@code backup.completed} or {@code backup.failed} event (which {@code
 * RestoreEventsListener} records in the catalog). The command's id is derived from the restore's,
 * so a redelivered restore asks once: backup-service takes a command id once.
 */
@ApplicationScoped
public class SafetyBackups {
  public static final String CHANNEL = "backup-requests";
  public static final String REASON = "pre-restore";

  private final MutinyEmitter<byte[]> emitter;
  private final CloudEventCodec codec;
  private final EventPublisher events;
  private final RestoreRepository catalog;
  private final RestoreConfig config;

  public SafetyBackups(
      @Channel(CHANNEL) MutinyEmitter<byte[]> emitter,
      CloudEventCodec codec,
      EventPublisher events,
      RestoreRepository catalog,
      RestoreConfig config) {
    this.emitter = emitter;
    this.codec = codec;
    this.events = events;
    this.catalog = catalog;
    this.config = config;
  }

  /** The id of the command that asks for the restore's safety backup. */
  public static String commandId(String restoreId) {
    return "pre-restore-" + restoreId;
  }

  /** Asks backup-service for the safety backup (again, harmlessly, after a redelivery). */
  public void request(Restore r) {
    String commandId = commandId(r.restoreId());
    catalog.safetyRequested(r.restoreId(), commandId).await().indefinitely();
    var data =
        new BackupEvents.Requested(
            r.database(), REASON, null, r.confirmedBy(), Map.of("restoreId", r.restoreId()), null);
    var command =
        new CloudEvent<>(
            CloudEvent.SPEC_VERSION,
            commandId,
            events.source(),
            EventType.BACKUP_REQUESTED.name(),
            r.database(),
            OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS),
            CloudEvent.DATA_CONTENT_TYPE,
            r.correlationId(),
            data);
    emitter
        .sendMessage(CloudEventRecords.message(codec, command, r.database()))
        .await()
        .indefinitely();
  }

  /** What became of the safety backup. */
  public record Outcome(String backupId, boolean completed, String reason) {}

  /** The outcome recorded so far, if backup-service has answered. */
  public Optional<Outcome> outcome(String restoreId) {
    Restore r =
        catalog
            .find(restoreId)
            .await()
            .indefinitely()
            .orElseThrow(() -> new IllegalStateException("restore " + restoreId + " vanished"));
    String status = r.execution().safetyBackupStatus();
    if (status == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Outcome(
            r.execution().safetyBackupId(),
            "COMPLETED".equals(status),
            r.execution().safetyBackupReason()));
  }

  public java.time.Duration timeout() {
    return config.safetyBackupTimeout();
  }
}
