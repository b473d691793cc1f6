package dev.lifeboat.health.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.outbox.Outbox;
import dev.lifeboat.health.checks.Finding;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Check reports in the control database ({@code health.checks}). */
@ApplicationScoped
public class CheckRepository {
  private static final String UNIQUE_VIOLATION = "23505";
  private static final TypeReference<List<Finding>> FINDINGS = new TypeReference<>() {};

  private final Pool pool;
  private final ObjectMapper json;
  private final Outbox outbox;

  public CheckRepository(Pool pool, ObjectMapper json, Outbox outbox) {
    this.pool = pool;
    this.json = json;
    this.outbox = outbox;
  }

  /**
   * Stores a finished report and, in the same transaction, its {@code dev.lifeboat.health.checked}
   * event in the outbox; false when the triggering event already has a report (a redelivery), in
   * which case neither is stored.
   */
  public Uni<Boolean> insert(CheckReport r, String triggerEventId, CloudEvent<?> checked) {
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(
                        """
            INSERT INTO health.checks (check_id, database, status, trigger, baseline_backup_id, correlation_id,
                                       trigger_event_id, started_at, finished_at, latency_millis, findings)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""")
                    .execute(
                        Tuple.from(
                            Arrays.asList(
                                r.checkId(),
                                r.database(),
                                r.status().name(),
                                r.trigger(),
                                r.baselineBackupId(),
                                r.correlationId(),
                                triggerEventId,
                                utc(r.startedAt()),
                                utc(r.finishedAt()),
                                r.latencyMillis(),
                                toJson(r.findings()))))
                    .call(() -> outbox.append(tx, checked)))
        .replaceWith(true)
        .onFailure(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()))
        .recoverWithItem(false);
  }

  public Uni<Boolean> handled(String triggerEventId) {
    return pool.preparedQuery("SELECT 1 FROM health.checks WHERE trigger_event_id = $1")
        .execute(Tuple.of(triggerEventId))
        .map(rows -> rows.size() > 0);
  }

  public Uni<Optional<CheckReport>> find(String checkId) {
    return pool.preparedQuery("SELECT * FROM health.checks WHERE check_id = $1")
        .execute(Tuple.of(checkId))
        .map(this::first);
  }

  /** Newest first; of one database and of one correlation id when given. */
  public Uni<List<CheckReport>> list(
      Optional<String> database, Optional<String> correlationId, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM health.checks WHERE ($1::text IS NULL OR database = $1)
               AND ($2::text IS NULL OR correlation_id = $2)
             ORDER BY started_at DESC, check_id DESC LIMIT $3""")
        .execute(Tuple.of(database.orElse(null), correlationId.orElse(null), limit))
        .map(this::all);
  }

  /** The newest report of each database, for the status gauges after a restart. */
  public Uni<List<CheckReport>> latestPerDatabase() {
    return pool.query(
            """
            SELECT DISTINCT ON (database) * FROM health.checks
             ORDER BY database, started_at DESC, check_id DESC""")
        .execute()
        .map(this::all);
  }

  private Optional<CheckReport> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(from(it.next())) : Optional.empty();
  }

  private List<CheckReport> all(RowSet<Row> rows) {
    List<CheckReport> reports = new ArrayList<>(rows.size());
    rows.forEach(row -> reports.add(from(row)));
    return reports;
  }

  private CheckReport from(Row row) {
    return new CheckReport(
        row.getString("check_id"),
        row.getString("database"),
        HealthEvents.Status.valueOf(row.getString("status")),
        row.getString("trigger"),
        row.getString("baseline_backup_id"),
        row.getString("correlation_id"),
        instant(row, "started_at"),
        instant(row, "finished_at"),
        row.getLong("latency_millis"),
        fromJson(row.getJsonArray("findings")));
  }

  JsonArray toJson(List<Finding> findings) {
    try {
      return new JsonArray(json.writeValueAsString(findings));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize findings", e);
    }
  }

  List<Finding> fromJson(JsonArray findings) {
    try {
      return json.readValue(findings.encode(), FINDINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable findings in the catalog", e);
    }
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
