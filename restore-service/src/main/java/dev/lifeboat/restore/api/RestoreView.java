package dev.lifeboat.restore.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.restore.catalog.Execution;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreStatus;
import dev.lifeboat.restore.plan.Plan;
import java.time.Instant;
import java.util.List;

/**
 * A restore as the API shows it. {@code confirmationCode} appears once, in the answer to the plan
 * request; the service keeps only its hash.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreView(
    String restoreId,
    String status,
    String database,
    String backupId,
    String mode,
    List<String> tables,
    String newDatabase,
    boolean safetyBackup,
    String confirmationCode,
    Instant expiresAt,
    List<Plan.Step> steps,
    Plan.DataLoss dataLoss,
    long estimatedSeconds,
    String plannedBy,
    Instant plannedAt,
    String reason,
    String ticket,
    String confirmedBy,
    Instant confirmedAt,
    Instant finishedAt,
    String finishedReason,
    String correlationId,
    List<String> warnings,
    String safetyBackupId,
    Execution.Progress progress,
    String cancelRequestedBy,
    Execution.HealthCheck healthCheck,
    Undo undo) {

  /** The database a SWAP kept as the instant undo, and when retention dropped it. */
  public record Undo(String database, Instant droppedAt) {}

  public static RestoreView of(Restore r) {
    return of(r, null);
  }

  public static RestoreView of(Restore r, String confirmationCode) {
    return new RestoreView(
        r.restoreId(),
        r.status().name(),
        r.database(),
        r.backupId(),
        r.mode().name(),
        r.tables(),
        r.newDatabase(),
        r.safetyBackup(),
        confirmationCode,
        r.status() == RestoreStatus.AWAITING_CONFIRMATION ? r.expiresAt() : null,
        steps(r),
        r.plan().dataLoss(),
        r.plan().estimatedSeconds(),
        r.plannedBy(),
        r.plannedAt(),
        r.reason(),
        r.ticket(),
        r.confirmedBy(),
        r.confirmedAt(),
        r.finishedAt(),
        r.finishedReason(),
        r.correlationId(),
        r.plan().warnings(),
        r.execution().safetyBackupId(),
        r.execution().progress(),
        r.execution().cancelRequestedBy(),
        r.execution().healthCheck(),
        r.execution().undoDatabase() == null
            ? null
            : new Undo(r.execution().undoDatabase(), r.execution().undoDroppedAt()));
  }

  /** The steps, the health check's state being health-service's verdict once it came. */
  private static List<Plan.Step> steps(Restore r) {
    Execution.HealthCheck check = r.execution().healthCheck();
    if (check == null) {
      return r.plan().steps();
    }
    return r.plan().steps().stream()
        .map(
            s ->
                "health-check".equals(s.name())
                    ? new Plan.Step(s.name(), s.description(), check.status())
                    : s)
        .toList();
  }

  /** A dry run: the plan only, with no id and no code. */
  public static RestoreView dryRun(
      String database,
      String backupId,
      String mode,
      List<String> tables,
      String newDatabase,
      boolean safetyBackup,
      Plan plan) {
    return new RestoreView(
        null,
        "DRY_RUN",
        database,
        backupId,
        mode,
        tables,
        newDatabase,
        safetyBackup,
        null,
        null,
        plan.steps(),
        plan.dataLoss(),
        plan.estimatedSeconds(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        plan.warnings(),
        null,
        null,
        null,
        null,
        null);
  }

  /** {@code POST /api/v1/restores/{id}/confirm}. */
  public record Confirmation(
      @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 64)
          String confirmationCode) {}
}
