package dev.lifeboat.health.catalog;

import dev.lifeboat.health.checks.Finding;
import java.time.Instant;
import java.util.List;

/**
 * A backup verification, stored from request to verdict.
 *
 * @param status RUNNING, PASSED or FAILED
 * @param checksumOk null until the stored bytes were read
 * @param scratchDatabase the drill's scratch database once it is about to be created
 * @param checkStatus the status of the database checks run on the drill's restored copy
 */
public record Verification(
    String verificationId,
    String backupId,
    String database,
    boolean drill,
    String status,
    Boolean checksumOk,
    Boolean restored,
    Boolean rowCountsMatch,
    Long drillMillis,
    String scratchDatabase,
    String checkStatus,
    List<Finding> findings,
    String reason,
    String correlationId,
    String requestedBy,
    Instant startedAt,
    Instant finishedAt) {

  public static final String RUNNING = "RUNNING";
  public static final String PASSED = "PASSED";
  public static final String FAILED = "FAILED";
}
