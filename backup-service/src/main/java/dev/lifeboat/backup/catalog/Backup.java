package dev.lifeboat.backup.catalog;

import dev.lifeboat.archive.Manifest;
import jakarta.ws.rs.NotFoundException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A backup as the catalog knows it, from request to completion (or failure, or deletion). */
public record Backup(
    String backupId,
    String database,
    String commandId,
    String correlationId,
    BackupStatus status,
    String reason,
    String migration,
    String requestedBy,
    Map<String, String> labels,
    Instant requestedAt,
    Instant startedAt,
    Instant completedAt,
    long bytesDumped,
    long bytesStored,
    long bytesPerSecond,
    String failureReason,
    boolean pinned,
    Instant verifiedAt,
    Manifest manifest,
    Instant deletedAt,
    String deletedReason) {

  /**
   * The backup the API may show: a missing one, or one deleted (which the catalog keeps for the
   * record), is a 404 that says which.
   */
  public static Backup existing(Optional<Backup> found, String backupId) {
    Backup backup =
        found.orElseThrow(() -> new NotFoundException("backup " + backupId + " does not exist"));
    if (backup.status() == BackupStatus.DELETED) {
      throw new NotFoundException(
          "backup "
              + backupId
              + " was deleted at "
              + backup.deletedAt()
              + " ("
              + backup.deletedReason()
              + ")");
    }
    return backup;
  }

  /** What a new backup starts from. */
  public record Request(
      String backupId,
      String database,
      String commandId,
      String correlationId,
      String reason,
      String migration,
      String requestedBy,
      Map<String, String> labels,
      Instant requestedAt) {}
}
