package dev.lifeboat.backup.catalog;

import dev.lifeboat.archive.Manifest;
import java.time.Instant;
import java.util.Map;

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
