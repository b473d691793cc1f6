package dev.lifeboat.health.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lifeboat.health.catalog.Verification;
import dev.lifeboat.health.checks.Finding;
import java.time.Instant;
import java.util.List;

/**
 * A verification as the API shows it. {@code drill} is null when no drill was asked for; its fields
 * are null while it runs.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"verificationId", "backupId", "database", "status", "checksumOk", "drill"})
public record VerificationView(
    String verificationId,
    String backupId,
    String database,
    String status,
    Boolean checksumOk,
    Drill drill,
    List<Finding> findings,
    String reason,
    String requestedBy,
    Instant startedAt,
    Instant finishedAt) {

  /**
   * @param durationMillis the measured restore time
   * @param checkStatus the status of the database checks run on the restored copy
   */
  public record Drill(
      Boolean restored, Boolean rowCountsMatch, Long durationMillis, String checkStatus) {}

  public static VerificationView of(Verification v) {
    return new VerificationView(
        v.verificationId(),
        v.backupId(),
        v.database(),
        v.status(),
        v.checksumOk(),
        v.drill()
            ? new Drill(v.restored(), v.rowCountsMatch(), v.drillMillis(), v.checkStatus())
            : null,
        v.findings(),
        v.reason(),
        v.requestedBy(),
        v.startedAt(),
        v.finishedAt());
  }
}
