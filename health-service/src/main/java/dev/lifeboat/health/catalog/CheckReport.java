package dev.lifeboat.health.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.health.checks.Finding;
import java.time.Instant;
import java.util.List;

/**
 * A stored check report, as the API returns it.
 *
 * @param trigger {@code api}, {@code schedule}, {@code restore:<restoreId>} or {@code
 *     migration:<name>}
 * @param latencyMillis round trip of {@code SELECT 1}; null when the database was unreachable
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"checkId", "database", "status", "trigger", "baselineBackupId", "findings"})
public record CheckReport(
    String checkId,
    String database,
    HealthEvents.Status status,
    String trigger,
    String baselineBackupId,
    String correlationId,
    Instant startedAt,
    Instant finishedAt,
    Long latencyMillis,
    List<Finding> findings) {}
