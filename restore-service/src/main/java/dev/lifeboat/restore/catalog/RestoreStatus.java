package dev.lifeboat.restore.catalog;

/** The contract's restore statuses. */
public enum RestoreStatus {
  AWAITING_CONFIRMATION,
  CONFIRMED,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED
}
