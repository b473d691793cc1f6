package dev.lifeboat.restore.catalog;

import java.time.Instant;

/**
 * What a restore has done so far beyond its plan: its safety backup, progress, a cancel request,
 * health-service's verdict on the result, and the undo database it kept.
 *
 * @param safetyBackupStatus null while awaited, then {@code COMPLETED} or {@code FAILED}
 * @param pointOfNoReturn the restore passed the point (a swap, an in-place drop) where it can no
 *     longer be cancelled
 */
public record Execution(
    String safetyBackupId,
    String safetyBackupStatus,
    String safetyBackupReason,
    Progress progress,
    String cancelRequestedBy,
    boolean pointOfNoReturn,
    HealthCheck healthCheck,
    String undoDatabase,
    Instant undoDroppedAt) {

  public static final Execution NONE =
      new Execution(null, null, null, null, null, false, null, null, null);

  /** How far the data has come: stored bytes read against the manifest's, and tables. */
  public record Progress(
      String step,
      long bytesRestored,
      long bytesTotal,
      int tablesRestored,
      int tablesTotal,
      int percent) {}

  /** health-service's check of the restored database. */
  public record HealthCheck(String checkId, String status) {}
}
