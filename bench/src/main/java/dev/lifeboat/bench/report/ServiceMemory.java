package dev.lifeboat.bench.report;

import java.util.List;

/**
 * backup-service's footprint apart from its backups.
 *
 * @param jvmOptions what backup-service's JVM ran with: part of the result
 * @param idleBytes VmRSS once ready, before any backup
 * @param startupPeakBytes VmHWM once ready, before any backup
 * @param peaksPerBackup whether each dataset's peak covers only its own backups; false where the
 *     kernel refused to reset VmHWM, and each peak includes everything before it
 */
public record ServiceMemory(
    List<String> jvmOptions, long idleBytes, long startupPeakBytes, boolean peaksPerBackup) {}
