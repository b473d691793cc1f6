package dev.lifeboat.restore.catalog;

import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.restore.plan.Plan;
import java.time.Instant;
import java.util.List;

/** A restore as the catalog knows it, from its plan to its end. */
public record Restore(
    String restoreId,
    String database,
    String backupId,
    RestoreEvents.Mode mode,
    List<String> tables,
    String newDatabase,
    boolean safetyBackup,
    RestoreStatus status,
    int failedAttempts,
    Instant expiresAt,
    String correlationId,
    String plannedBy,
    Instant plannedAt,
    String reason,
    String ticket,
    String confirmedBy,
    Instant confirmedAt,
    Instant finishedAt,
    String finishedReason,
    Plan plan,
    Execution execution) {}
