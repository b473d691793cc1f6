package dev.lifeboat.restore.safety;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.CloudEventRecords;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
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
  private final StoredBackups backups;

  public SafetyBackups(
      @Channel(CHANNEL) MutinyEmitter<byte[]> emitter,
      CloudEventCodec codec,
      EventPublisher events,
      RestoreRepository catalog,
      RestoreConfig config,
      StoredBackups backups) {
    this.backups = backups;
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
    catalog.safetyRequested(r.restoreId(), commandId).await().atMost(IoWaits.LIMIT);
    var data =
        new BackupEvents.Requested(
            r.database(), REASON, null, r.confirmedBy(), Map.of("restoreId", r.restoreId()), null);
    var command = data.command(events.source(), commandId, r.correlationId());
    emitter
        .sendMessage(CloudEventRecords.message(codec, command, r.database()))
        .await()
        .atMost(IoWaits.LIMIT);
  }

  /** What became of the safety backup. */
  public record Outcome(String backupId, boolean completed, String reason) {}

  /** The outcome recorded so far, if backup-service has answered. */
  public Optional<Outcome> outcome(String restoreId) {
    Restore r =
        catalog
            .find(restoreId)
            .await()
            .atMost(IoWaits.LIMIT)
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

  /**
   * Why the backup an event named as this restore's safety backup is not one, read back from
   * storage: its manifest must exist and say it was taken for this restore. Empty when it is. An
   * event alone (any {@code backup.completed} with the right correlation id) steers nothing.
   */
  public Optional<String> mismatch(Restore r, String backupId) {
    Optional<Manifest> stored;
    try {
      stored = backups.manifest(r.database(), backupId);
    } catch (IOException e) {
      return Optional.of("cannot be read back from storage (" + e.getMessage() + ")");
    }
    if (stored.isEmpty()) {
      return Optional.of("has no manifest in storage");
    }
    Manifest m = stored.get();
    boolean ours =
        backupId.equals(m.backupId())
            && r.database().equals(m.database())
            && r.correlationId().equals(m.correlationId())
            && m.labels() != null
            && r.restoreId().equals(m.labels().get("restoreId"));
    return ours
        ? Optional.empty()
        : Optional.of(
            "is not the one taken for restore " + r.restoreId() + " (its manifest says otherwise)");
  }

  public java.time.Duration timeout() {
    return config.safetyBackupTimeout();
  }
}
