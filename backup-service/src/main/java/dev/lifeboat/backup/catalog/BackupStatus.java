package dev.lifeboat.backup.catalog;

/** Where a backup is in its life; DELETED backups are kept in the catalog for the record only. */
public enum BackupStatus {
  REQUESTED,
  RUNNING,
  COMPLETED,
  FAILED,
  DELETED;

  public boolean finished() {
    return this == COMPLETED || this == FAILED || this == DELETED;
  }
}
