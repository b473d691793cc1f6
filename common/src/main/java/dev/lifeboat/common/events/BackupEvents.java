package dev.lifeboat.common.events;

import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseName;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** The {@code data} of backup commands and lifecycle events. */
public final class BackupEvents {
  private BackupEvents() {}

  /**
   * {@code dev.lifeboat.backup.requested}: the command pipelines publish, and the event saying it
   * was accepted. {@code backupId} is absent in a pipeline's command; the API and backup-service
   * fill it in.
   */
  public record Requested(
      @DatabaseName String database,
      @Size(max = TextLimits.TEXT) String reason,
      @Size(max = TextLimits.TEXT) String migration,
      @Size(max = TextLimits.TEXT) String requestedBy,
      @Size(max = TextLimits.LABELS)
          Map<
                  @NotBlank @Size(max = TextLimits.TEXT) String,
                  @NotNull @Size(max = TextLimits.TEXT) String>
              labels,
      @Pattern(regexp = BackupIds.REGEX) String backupId)
      implements EventData {
    public Requested {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public Requested withBackupId(String id) {
      return new Requested(database, reason, migration, requestedBy, labels, id);
    }

    /**
     * This request as the command backup-service consumes: the one place a {@code backup.requested}
     * command is built (the API, the schedule and restore's safety backup). {@code commandId} is
     * its id and idempotency key: the same command sent twice is one backup.
     */
    public CloudEvent<Requested> command(String source, String commandId, String correlationId) {
      return CloudEvent.create(EventType.BACKUP_REQUESTED, source, correlationId, this)
          .withId(commandId);
    }
  }

  /** {@code dev.lifeboat.backup.started}: pg_dump is running. */
  public record Started(@NotBlank String backupId, @DatabaseName String database, String migration)
      implements EventData {}

  /** {@code dev.lifeboat.backup.progress}: bytes read from pg_dump, bytes stored, and the rate. */
  public record Progress(
      @NotBlank String backupId,
      @DatabaseName String database,
      @PositiveOrZero long bytesDumped,
      @PositiveOrZero long bytesStored,
      @PositiveOrZero long bytesPerSecond)
      implements EventData {}

  /** {@code dev.lifeboat.backup.completed}: the manifest is written; the backup exists. */
  public record Completed(
      @NotBlank String backupId,
      @DatabaseName String database,
      @NotBlank String objectKey,
      @PositiveOrZero long sizeBytes,
      @PositiveOrZero long dumpBytes,
      @NotBlank String sha256,
      @PositiveOrZero long durationMillis,
      @PositiveOrZero int tables,
      String migration)
      implements EventData {}

  /** {@code dev.lifeboat.backup.failed}: with a reason a human can act on. */
  public record Failed(
      @NotBlank String backupId, @DatabaseName String database, @NotBlank String reason)
      implements EventData {}

  /** {@code dev.lifeboat.backup.pruned}: deleted by retention or by an admin. */
  public record Pruned(
      @NotBlank String backupId, @DatabaseName String database, @NotBlank String reason)
      implements EventData {}
}
