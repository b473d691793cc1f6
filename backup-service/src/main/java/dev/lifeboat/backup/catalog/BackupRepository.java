package dev.lifeboat.backup.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backup catalog in the control database ({@code backup.backups}). Each change of a backup's
 * state commits together with its event in the outbox ({@code backup.outbox}, docs/events.md
 * #delivery): a recorded change is always announced, and an announced one always recorded.
 */
@ApplicationScoped
public class BackupRepository {
  private final Pool pool;
  private final ObjectMapper json;
  private final Outbox outbox;

  public BackupRepository(Pool pool, ObjectMapper json, Outbox outbox) {
    this.pool = pool;
    this.json = json;
    this.outbox = outbox;
  }

  /** The backup of a command, created if this is the command's first delivery. */
  public record Accepted(Backup backup, boolean created) {}

  /**
   * Records the command's backup with its {@code backup.requested} event, on the command's first
   * delivery; a later delivery finds the backup and adds no event.
   */
  public Uni<Accepted> accept(Backup.Request request, CloudEvent<?> requested) {
    return pool.withTransaction(tx -> accept(tx, request, requested));
  }

  private Uni<Accepted> accept(SqlConnection tx, Backup.Request request, CloudEvent<?> requested) {
    return tx.preparedQuery(
            """
            INSERT INTO backup.backups (backup_id, database, command_id, correlation_id, status, reason, migration,
                                        requested_by, labels, requested_at)
            VALUES ($1, $2, $3, $4, 'REQUESTED', $5, $6, $7, $8, $9)
            ON CONFLICT (command_id) DO NOTHING
            RETURNING *""")
        .execute(
            Tuple.from(
                java.util.Arrays.asList(
                    request.backupId(),
                    request.database(),
                    request.commandId(),
                    request.correlationId(),
                    request.reason(),
                    request.migration(),
                    request.requestedBy(),
                    new JsonObject(new HashMap<>(request.labels())),
                    utc(request.requestedAt()))))
        .chain(
            rows ->
                rows.iterator().hasNext()
                    ? outbox
                        .append(tx, requested)
                        .replaceWith(new Accepted(from(rows.iterator().next()), true))
                    : tx.preparedQuery("SELECT * FROM backup.backups WHERE command_id = $1")
                        .execute(Tuple.of(request.commandId()))
                        .map(existing -> new Accepted(first(existing).orElseThrow(), false)));
  }

  public Uni<Optional<Backup>> find(String backupId) {
    return pool.preparedQuery("SELECT * FROM backup.backups WHERE backup_id = $1")
        .execute(Tuple.of(backupId))
        .map(this::first);
  }

  public Uni<Optional<Backup>> findByCommand(String commandId) {
    return pool.preparedQuery("SELECT * FROM backup.backups WHERE command_id = $1")
        .execute(Tuple.of(commandId))
        .map(this::first);
  }

  /** Newest first; deleted backups are left out. */
  public Uni<List<Backup>> list(Optional<String> database, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM backup.backups
             WHERE status <> 'DELETED' AND ($1::text IS NULL OR database = $1)
             ORDER BY requested_at DESC, backup_id DESC
             LIMIT $2""")
        .execute(Tuple.of(database.orElse(null), limit))
        .map(this::all);
  }

  /** A database's completed backups, newest first: what retention chooses from. */
  public Uni<List<Backup>> completed(String database) {
    return pool.preparedQuery(
            """
            SELECT * FROM backup.backups WHERE database = $1 AND status = 'COMPLETED'
             ORDER BY (manifest ->> 'createdAt') DESC, backup_id DESC""")
        .execute(Tuple.of(database))
        .map(this::all);
  }

  /** Marks the backup running, with its {@code backup.started} event. */
  public Uni<Void> markRunning(String backupId, Instant startedAt, CloudEvent<?> started) {
    return change(
            "UPDATE backup.backups SET status = 'RUNNING', started_at = $2, failure_reason = NULL,"
                + " bytes_dumped = 0, bytes_stored = 0, bytes_per_second = 0 WHERE backup_id = $1",
            Tuple.of(backupId, utc(startedAt)),
            started)
        .replaceWithVoid();
  }

  public Uni<Void> progress(
      String backupId, long bytesDumped, long bytesStored, long bytesPerSecond) {
    return update(
        "UPDATE backup.backups SET bytes_dumped = $2, bytes_stored = $3, bytes_per_second = $4"
            + " WHERE backup_id = $1 AND status = 'RUNNING'",
        backupId,
        bytesDumped,
        bytesStored,
        bytesPerSecond);
  }

  /**
   * Records the backup as completed from its manifest, with its {@code backup.completed} event.
   * False (and no event) when the backup had already finished (completed, failed or deleted): a
   * finished backup's state is final.
   */
  public Uni<Boolean> markCompleted(Manifest manifest, CloudEvent<?> completed) {
    return change(
        "UPDATE backup.backups SET status = 'COMPLETED', completed_at = $2, manifest = $3,"
            + " bytes_dumped = $4, bytes_stored = $5"
            + " WHERE backup_id = $1 AND status IN ('REQUESTED', 'RUNNING')",
        Tuple.of(
            manifest.backupId(),
            utc(manifest.completedAt()),
            toJson(manifest),
            manifest.dumpBytes(),
            manifest.sizeBytes()),
        completed);
  }

  /**
   * Records the backup as failed, with its {@code backup.failed} event. False (and no event) when
   * it had already finished: a late failure never turns a completed backup into a failed one.
   */
  public Uni<Boolean> markFailed(String backupId, String reason, Instant at, CloudEvent<?> failed) {
    return change(
        "UPDATE backup.backups SET status = 'FAILED', failure_reason = $2, completed_at = $3"
            + " WHERE backup_id = $1 AND status IN ('REQUESTED', 'RUNNING')",
        Tuple.of(backupId, reason, utc(at)),
        failed);
  }

  /**
   * Announces a finished backup's terminal event again, for a redelivered command: the event has
   * the id it was first appended with, so this adds nothing while the outbox still holds it, and
   * publishes it again (consumers dedupe by id) once it has been pruned.
   */
  public Uni<Void> announceAgain(CloudEvent<?> terminal) {
    return pool.withTransaction(tx -> outbox.append(tx, terminal));
  }

  /** Sets the pin; the manifest copy in the catalog follows. Empty when there is no such backup. */
  public Uni<Optional<Backup>> setPinned(String backupId, boolean pinned) {
    return pool.preparedQuery(
            """
            UPDATE backup.backups
               SET pinned = $2,
                   manifest = CASE WHEN manifest IS NULL THEN NULL ELSE jsonb_set(manifest, '{pinned}', to_jsonb($2)) END
             WHERE backup_id = $1 AND status <> 'DELETED'
            RETURNING *""")
        .execute(Tuple.of(backupId, pinned))
        .map(this::first);
  }

  /** Marks the backup deleted, with its {@code backup.pruned} event. */
  public Uni<Void> markDeleted(String backupId, String reason, Instant at, CloudEvent<?> pruned) {
    return change(
            "UPDATE backup.backups SET status = 'DELETED', deleted_at = $2, deleted_reason = $3"
                + " WHERE backup_id = $1",
            Tuple.of(backupId, utc(at), reason),
            pruned)
        .replaceWithVoid();
  }

  public Uni<Void> markVerified(String backupId, Instant at) {
    return update(
        "UPDATE backup.backups SET verified_at = $2 WHERE backup_id = $1", backupId, utc(at));
  }

  /**
   * Runs a one-row update and appends its event in the same transaction, only when the row changed.
   * True when it did.
   */
  private Uni<Boolean> change(String sql, Tuple params, CloudEvent<?> event) {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(sql)
                .execute(params)
                .map(rows -> rows.rowCount() == 1)
                .call(changed -> changed ? outbox.append(tx, event) : Uni.createFrom().voidItem()));
  }

  private Uni<Void> update(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.from(params)).replaceWithVoid();
  }

  private Optional<Backup> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(from(it.next())) : Optional.empty();
  }

  private List<Backup> all(RowSet<Row> rows) {
    List<Backup> backups = new ArrayList<>(rows.size());
    rows.forEach(row -> backups.add(from(row)));
    return backups;
  }

  private Backup from(Row row) {
    JsonObject labels = row.getJsonObject("labels");
    Map<String, String> labelMap = new HashMap<>();
    if (labels != null) {
      labels.forEach(e -> labelMap.put(e.getKey(), String.valueOf(e.getValue())));
    }
    JsonObject manifest = row.getJsonObject("manifest");
    return new Backup(
        row.getString("backup_id"),
        row.getString("database"),
        row.getString("command_id"),
        row.getString("correlation_id"),
        BackupStatus.valueOf(row.getString("status")),
        row.getString("reason"),
        row.getString("migration"),
        row.getString("requested_by"),
        Map.copyOf(labelMap),
        instant(row, "requested_at"),
        instant(row, "started_at"),
        instant(row, "completed_at"),
        row.getLong("bytes_dumped"),
        row.getLong("bytes_stored"),
        row.getLong("bytes_per_second"),
        row.getString("failure_reason"),
        row.getBoolean("pinned"),
        instant(row, "verified_at"),
        manifest == null ? null : fromJson(manifest),
        instant(row, "deleted_at"),
        row.getString("deleted_reason"));
  }

  private JsonObject toJson(Manifest manifest) {
    try {
      return new JsonObject(json.writeValueAsString(manifest));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the manifest of " + manifest.backupId(), e);
    }
  }

  private Manifest fromJson(JsonObject manifest) {
    try {
      return json.readValue(manifest.encode(), Manifest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable manifest in the catalog", e);
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
