package dev.lifeboat.restore.api;

import com.fasterxml.jackson.annotation.JsonInclude;
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
    String confirmedBy,
    Instant confirmedAt,
    Instant finishedAt,
    String finishedReason,
    String correlationId) {

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
        r.plan().steps(),
        r.plan().dataLoss(),
        r.plan().estimatedSeconds(),
        r.plannedBy(),
        r.plannedAt(),
        r.confirmedBy(),
        r.confirmedAt(),
        r.finishedAt(),
        r.finishedReason(),
        r.correlationId());
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
        null);
  }

  /** {@code POST /api/v1/restores/{id}/confirm}. */
  public record Confirmation(
      @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 64)
          String confirmationCode) {}
}
