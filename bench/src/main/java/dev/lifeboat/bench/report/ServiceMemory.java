package dev.lifeboat.bench.report;

/**
 * backup-service's footprint apart from its backups.
 *
 * @param idleBytes VmRSS once ready, before any backup
 * @param startupPeakBytes VmHWM once ready, before any backup
 * @param peaksPerBackup whether each dataset's peak covers only its own backups; false where the
 *     kernel refused to reset VmHWM, and each peak includes everything before it
 */
public record ServiceMemory(long idleBytes, long startupPeakBytes, boolean peaksPerBackup) {}
