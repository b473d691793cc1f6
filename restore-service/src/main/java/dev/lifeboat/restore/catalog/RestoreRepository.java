package dev.lifeboat.restore.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.outbox.Outbox;
import dev.lifeboat.restore.plan.Plan;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
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

/** The restore catalog in the control database ({@code restore.restores}). */
@ApplicationScoped
public class RestoreRepository {
  private static final String UNIQUE_VIOLATION = "23505";
  private final Pool pool;
  private final ObjectMapper json;
  private final Outbox outbox;

  public RestoreRepository(Pool pool, ObjectMapper json, Outbox outbox) {
    this.pool = pool;
    this.json = json;
    this.outbox = outbox;
  }

  /**
   * Stores a new plan with its {@code restore.planned} event; false when the database already has
   * an open restore.
   */
  public Uni<Boolean> insert(Restore r, String codeHash, CloudEvent<?> planned) {
    return pool.withTransaction(
            tx -> insert(tx, r, codeHash).call(() -> outbox.append(tx, planned)))
        .replaceWith(true)
        .onFailure(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()))
        .recoverWithItem(false);
  }

  private Uni<RowSet<Row>> insert(SqlConnection tx, Restore r, String codeHash) {
    return tx.preparedQuery(
            """
            INSERT INTO restore.restores (restore_id, database, backup_id, mode, tables, new_database, safety_backup,
                                          status, code_hash, expires_at, correlation_id, planned_by, planned_at, plan,
                                          reason, ticket)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)""")
        .execute(
            Tuple.from(
                Arrays.asList(
                    r.restoreId(),
                    r.database(),
                    r.backupId(),
                    r.mode().name(),
                    new JsonArray(r.tables()),
                    r.newDatabase(),
                    r.safetyBackup(),
                    r.status().name(),
                    codeHash,
                    utc(r.expiresAt()),
                    r.correlationId(),
                    r.plannedBy(),
                    utc(r.plannedAt()),
                    toJson(r.plan()),
                    r.reason(),
                    r.ticket())));
  }

  /** Cancels the database's plans whose code expired, so that they no longer block new ones. */
  public Uni<Void> expireStale(String database, Instant now) {
    return pool.preparedQuery(
            """
            UPDATE restore.restores SET status = 'CANCELLED', code_hash = NULL, finished_at = $2,
                   finished_reason = 'the confirmation code expired'
             WHERE database = $1 AND status = 'AWAITING_CONFIRMATION' AND expires_at <= $2""")
        .execute(Tuple.of(database, utc(now)))
        .replaceWithVoid();
  }

  public Uni<Optional<Restore>> find(String restoreId) {
    return pool.preparedQuery("SELECT * FROM restore.restores WHERE restore_id = $1")
        .execute(Tuple.of(restoreId))
        .map(this::first);
  }

  /** The database's open restore, if any. */
  public Uni<Optional<Restore>> open(String database) {
    return pool.preparedQuery(
            """
            SELECT * FROM restore.restores
             WHERE database = $1 AND status IN ('AWAITING_CONFIRMATION', 'CONFIRMED', 'RUNNING')""")
        .execute(Tuple.of(database))
        .map(this::first);
  }

  public Uni<List<Restore>> list(Optional<String> database, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM restore.restores WHERE ($1::text IS NULL OR database = $1)
             ORDER BY planned_at DESC, restore_id DESC LIMIT $2""")
        .execute(Tuple.of(database.orElse(null), limit))
        .map(this::all);
  }

  /**
   * Confirms with the code, once: the code's hash is cleared in the same statement, so a code
   * cannot confirm twice. The command that runs the restore goes to {@code commandsTopic} and into
   * the event log in the same transaction: a confirmed restore is always queued. Empty when the
   * code is wrong, used or expired.
   */
  public Uni<Optional<Restore>> confirm(
      String restoreId,
      String codeHash,
      String by,
      Instant now,
      CloudEvent<?> command,
      String commandsTopic) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(
                    """
            UPDATE restore.restores SET status = 'CONFIRMED', code_hash = NULL, confirmed_by = $3, confirmed_at = $4
             WHERE restore_id = $1 AND status = 'AWAITING_CONFIRMATION' AND code_hash = $2 AND expires_at > $4
            RETURNING *""")
                .execute(Tuple.of(restoreId, codeHash, by, utc(now)))
                .map(this::first)
                .call(
                    confirmed ->
                        confirmed.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : outbox
                                .append(tx, commandsTopic, command.subject(), command)
                                .call(() -> outbox.append(tx, command))));
  }

  /** Counts a wrong code; the plan is cancelled at the limit. */
  public Uni<Optional<Restore>> wrongCode(String restoreId, int maxAttempts, Instant now) {
    return pool.preparedQuery(
            """
            UPDATE restore.restores
               SET failed_attempts = failed_attempts + 1,
                   status = CASE WHEN failed_attempts + 1 >= $2 THEN 'CANCELLED' ELSE status END,
                   code_hash = CASE WHEN failed_attempts + 1 >= $2 THEN NULL ELSE code_hash END,
                   finished_at = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE finished_at END,
                   finished_reason = CASE WHEN failed_attempts + 1 >= $2
                                          THEN 'too many wrong confirmation codes' ELSE finished_reason END
             WHERE restore_id = $1 AND status = 'AWAITING_CONFIRMATION'
            RETURNING *""")
        .execute(Tuple.of(restoreId, maxAttempts, utc(now)))
        .map(this::first);
  }

  /**
   * Cancels a restore that has not started, with its {@code restore.cancelled} event; empty when it
   * is past that point.
   */
  public Uni<Optional<Restore>> cancel(
      String restoreId, String reason, Instant now, CloudEvent<?> cancelled) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(
                    """
            UPDATE restore.restores SET status = 'CANCELLED', code_hash = NULL, finished_at = $3, finished_reason = $2
             WHERE restore_id = $1 AND status IN ('AWAITING_CONFIRMATION', 'CONFIRMED')
            RETURNING *""")
                .execute(Tuple.of(restoreId, reason, utc(now)))
                .map(this::first)
                .call(
                    found ->
                        found.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : outbox.append(tx, cancelled)));
  }

  /**
   * Marks a confirmed restore running, with its {@code restore.started} event; empty when it is no
   * longer confirmed (cancelled, finished).
   */
  public Uni<Optional<Restore>> start(String restoreId, CloudEvent<?> started) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(
                    """
            UPDATE restore.restores SET status = 'RUNNING'
             WHERE restore_id = $1 AND status IN ('CONFIRMED', 'RUNNING')
            RETURNING *""")
                .execute(Tuple.of(restoreId))
                .map(this::first)
                .call(
                    found ->
                        found.isEmpty()
                            ? Uni.createFrom().voidItem()
                            : outbox.append(tx, started)));
  }

  /** Records the target's owner before an in-place restore drops it; the first record stays. */
  public Uni<Void> recordTargetOwner(String restoreId, String owner) {
    return pool.preparedQuery(
            """
            UPDATE restore.restores SET target_owner = COALESCE(target_owner, $2)
             WHERE restore_id = $1""")
        .execute(Tuple.of(restoreId, owner))
        .replaceWithVoid();
  }

  public Uni<Optional<String>> targetOwner(String restoreId) {
    return pool.preparedQuery("SELECT target_owner FROM restore.restores WHERE restore_id = $1")
        .execute(Tuple.of(restoreId))
        .map(
            rows -> {
              var it = rows.iterator();
              return it.hasNext()
                  ? Optional.ofNullable(it.next().getString("target_owner"))
                  : Optional.empty();
            });
  }

  /** Records the steps' states, for the API to show while the restore runs. */
  public Uni<Void> steps(String restoreId, List<Plan.Step> steps) {
    try {
      return pool.preparedQuery(
              "UPDATE restore.restores SET plan = jsonb_set(plan, '{steps}', $2) WHERE restore_id = $1")
          .execute(Tuple.of(restoreId, new JsonArray(json.writeValueAsString(steps))))
          .replaceWithVoid();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize steps", e);
    }
  }

  /**
   * Marks a restore complete; {@code undoDatabase} is the database a SWAP kept as the undo, or
   * null.
   */
  public Uni<Void> complete(
      String restoreId, String outcome, Instant now, String undoDatabase, CloudEvent<?> completed) {
    return end(
        """
        UPDATE restore.restores SET status = 'COMPLETED', finished_at = $3, finished_reason = $2,
               undo_database = $4, cancel_requested_by = NULL
         WHERE restore_id = $1 AND status = 'RUNNING'""",
        Tuple.of(restoreId, outcome, utc(now), undoDatabase),
        completed);
  }

  /** Ends a running restore that was cancelled, once it has cleaned up, with its event. */
  public Uni<Void> cancelled(
      String restoreId, String reason, Instant now, CloudEvent<?> cancelled) {
    return end(
        """
        UPDATE restore.restores SET status = 'CANCELLED', finished_at = $3, finished_reason = $2
         WHERE restore_id = $1 AND status = 'RUNNING'""",
        Tuple.of(restoreId, reason, utc(now)),
        cancelled);
  }

  /**
   * An ending and its event commit together, and only over a restore that had not ended: a late
   * failure never overwrites a completion, nor announces one.
   */
  private Uni<Void> end(String update, Tuple values, CloudEvent<?> event) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(update)
                .execute(values)
                .call(
                    rows ->
                        rows.rowCount() == 0
                            ? Uni.createFrom().voidItem()
                            : outbox.append(tx, event))
                .replaceWithVoid());
  }

  /**
   * Asks a running restore to stop; empty when it is not running or already past its point of no
   * return. The executor acts on the request.
   */
  public Uni<Optional<Restore>> requestCancel(String restoreId, String by) {
    return pool.preparedQuery(
            """
            UPDATE restore.restores SET cancel_requested_by = $2
             WHERE restore_id = $1 AND status = 'RUNNING' AND NOT point_of_no_return
               AND cancel_requested_by IS NULL
            RETURNING *""")
        .execute(Tuple.of(restoreId, by))
        .map(this::first);
  }

  /** Who asked to cancel the restore, if anyone did. */
  public Uni<Optional<String>> cancelRequestedBy(String restoreId) {
    return pool.preparedQuery(
            "SELECT cancel_requested_by FROM restore.restores WHERE restore_id = $1")
        .execute(Tuple.of(restoreId))
        .map(
            rows ->
                rows.iterator().hasNext()
                    ? Optional.ofNullable(rows.iterator().next().getString(0))
                    : Optional.empty());
  }

  /**
   * Passes the point of no return unless a cancel was asked for first (one statement decides which
   * came first). False when the restore is to be cancelled.
   */
  public Uni<Boolean> passPointOfNoReturn(String restoreId) {
    return pool.preparedQuery(
            """
            UPDATE restore.restores SET point_of_no_return = true
             WHERE restore_id = $1 AND cancel_requested_by IS NULL""")
        .execute(Tuple.of(restoreId))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * A restore that runs again from the start after a restart is before its point of no return
   * again: it can be cancelled.
   */
  public Uni<Void> rerun(String restoreId) {
    return pool.preparedQuery(
            "UPDATE restore.restores SET point_of_no_return = false, progress = NULL WHERE restore_id = $1")
        .execute(Tuple.of(restoreId))
        .replaceWithVoid();
  }

  public Uni<Void> progress(String restoreId, Execution.Progress progress) {
    return pool.preparedQuery("UPDATE restore.restores SET progress = $2 WHERE restore_id = $1")
        .execute(Tuple.of(restoreId, JsonObject.mapFrom(progress)))
        .replaceWithVoid();
  }

  /** Records the command id of the safety backup about to be requested. */
  public Uni<Void> safetyRequested(String restoreId, String commandId) {
    return pool.preparedQuery(
            "UPDATE restore.restores SET safety_command_id = $2 WHERE restore_id = $1")
        .execute(Tuple.of(restoreId, commandId))
        .replaceWithVoid();
  }

  /**
   * What backup-service said about the safety backup of the restore with this correlation id: its
   * id once accepted, then {@code COMPLETED} or {@code FAILED}. Events of other backups change
   * nothing.
   */
  public Uni<Void> safetyBackup(
      String correlationId, String backupId, String status, String reason) {
    return pool.preparedQuery(
            """
            UPDATE restore.restores
               SET safety_backup_id = COALESCE($2, safety_backup_id),
                   safety_backup_status = COALESCE($3, safety_backup_status),
                   safety_backup_reason = COALESCE($4, safety_backup_reason)
             WHERE correlation_id = $1 AND safety_backup""")
        .execute(Tuple.of(correlationId, backupId, status, reason))
        .replaceWithVoid();
  }

  /** Attaches health-service's check to the restore it followed. */
  public Uni<Void> healthChecked(String correlationId, Execution.HealthCheck check) {
    return pool.preparedQuery(
            "UPDATE restore.restores SET health_check = $2 WHERE correlation_id = $1")
        .execute(Tuple.of(correlationId, JsonObject.mapFrom(check)))
        .replaceWithVoid();
  }

  /** Records the tables a TABLES restore renamed aside, before it renames them. */
  public Uni<Void> setAside(String restoreId, JsonObject setAside) {
    return pool.preparedQuery("UPDATE restore.restores SET set_aside = $2 WHERE restore_id = $1")
        .execute(Tuple.of(restoreId, setAside))
        .replaceWithVoid();
  }

  public Uni<Optional<JsonObject>> setAside(String restoreId) {
    return pool.preparedQuery("SELECT set_aside FROM restore.restores WHERE restore_id = $1")
        .execute(Tuple.of(restoreId))
        .map(
            rows ->
                rows.iterator().hasNext()
                    ? Optional.ofNullable(rows.iterator().next().getJsonObject(0))
                    : Optional.empty());
  }

  /** A kept undo database. */
  public record KeptUndo(
      String restoreId, String database, String undoDatabase, Instant finishedAt) {}

  /** Every undo database not dropped yet, newest first within each database. */
  public Uni<List<KeptUndo>> keptUndos() {
    return pool.query(
            """
            SELECT restore_id, database, undo_database, finished_at FROM restore.restores
             WHERE undo_database IS NOT NULL AND undo_dropped_at IS NULL
             ORDER BY database, finished_at DESC""")
        .execute()
        .map(
            rows -> {
              List<KeptUndo> kept = new ArrayList<>();
              rows.forEach(
                  row ->
                      kept.add(
                          new KeptUndo(
                              row.getString(0),
                              row.getString(1),
                              row.getString(2),
                              instant(row, "finished_at"))));
              return kept;
            });
  }

  public Uni<Void> undoDropped(String restoreId, Instant now) {
    return pool.preparedQuery(
            "UPDATE restore.restores SET undo_dropped_at = $2 WHERE restore_id = $1")
        .execute(Tuple.of(restoreId, utc(now)))
        .replaceWithVoid();
  }

  /** health-service's verdict on a backup: the latest one counts. */
  public record Verification(
      String backupId, boolean verified, String reason, String verificationId, Instant at) {}

  public Uni<Void> verification(String database, Verification v) {
    return pool.preparedQuery(
            """
            INSERT INTO restore.backup_verifications (backup_id, database, verified, reason, verification_id, at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (backup_id) DO UPDATE SET verified = $3, reason = $4, verification_id = $5, at = $6
             WHERE restore.backup_verifications.at <= $6""")
        .execute(
            Tuple.from(
                Arrays.asList(
                    v.backupId(),
                    database,
                    v.verified(),
                    v.reason(),
                    v.verificationId(),
                    utc(v.at()))))
        .replaceWithVoid();
  }

  public Uni<Optional<Verification>> verification(String backupId) {
    return pool.preparedQuery("SELECT * FROM restore.backup_verifications WHERE backup_id = $1")
        .execute(Tuple.of(backupId))
        .map(
            rows -> {
              var it = rows.iterator();
              if (!it.hasNext()) {
                return Optional.empty();
              }
              Row row = it.next();
              return Optional.of(
                  new Verification(
                      row.getString("backup_id"),
                      row.getBoolean("verified"),
                      row.getString("reason"),
                      row.getString("verification_id"),
                      instant(row, "at")));
            });
  }

  /**
   * Ends a confirmed or running restore as failed, with its event. An ending is never overwritten:
   * a completed restore stays completed.
   */
  public Uni<Void> fail(String restoreId, String reason, Instant now, CloudEvent<?> failed) {
    return end(
        """
        UPDATE restore.restores SET status = 'FAILED', finished_at = $3, finished_reason = $2
         WHERE restore_id = $1 AND status IN ('CONFIRMED', 'RUNNING')""",
        Tuple.of(restoreId, reason, utc(now)),
        failed);
  }

  private Optional<Restore> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(from(it.next())) : Optional.empty();
  }

  private List<Restore> all(RowSet<Row> rows) {
    List<Restore> restores = new ArrayList<>(rows.size());
    rows.forEach(row -> restores.add(from(row)));
    return restores;
  }

  private Restore from(Row row) {
    List<String> tables = new ArrayList<>();
    row.getJsonArray("tables").forEach(t -> tables.add(String.valueOf(t)));
    return new Restore(
        row.getString("restore_id"),
        row.getString("database"),
        row.getString("backup_id"),
        RestoreEvents.Mode.valueOf(row.getString("mode")),
        List.copyOf(tables),
        row.getString("new_database"),
        row.getBoolean("safety_backup"),
        RestoreStatus.valueOf(row.getString("status")),
        row.getInteger("failed_attempts"),
        instant(row, "expires_at"),
        row.getString("correlation_id"),
        row.getString("planned_by"),
        instant(row, "planned_at"),
        row.getString("reason"),
        row.getString("ticket"),
        row.getString("confirmed_by"),
        instant(row, "confirmed_at"),
        instant(row, "finished_at"),
        row.getString("finished_reason"),
        fromJson(row.getJsonObject("plan")),
        new Execution(
            row.getString("safety_backup_id"),
            row.getString("safety_backup_status"),
            row.getString("safety_backup_reason"),
            read(row.getJsonObject("progress"), Execution.Progress.class),
            row.getString("cancel_requested_by"),
            row.getBoolean("point_of_no_return"),
            read(row.getJsonObject("health_check"), Execution.HealthCheck.class),
            row.getString("undo_database"),
            instant(row, "undo_dropped_at")));
  }

  private <T> T read(JsonObject value, Class<T> type) {
    if (value == null) {
      return null;
    }
    try {
      return json.readValue(value.encode(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the catalog", e);
    }
  }

  private JsonObject toJson(Plan plan) {
    try {
      return new JsonObject(json.writeValueAsString(plan));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a plan", e);
    }
  }

  private Plan fromJson(JsonObject plan) {
    try {
      return json.readValue(plan.encode(), Plan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable plan in the catalog", e);
    }
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
