package dev.lifeboat.backup.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
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

/** The backup catalog in the control database ({@code backup.backups}). */
@ApplicationScoped
public class BackupRepository {
  private final Pool pool;
  private final ObjectMapper json;

  public BackupRepository(Pool pool, ObjectMapper json) {
    this.pool = pool;
    this.json = json;
  }

  /** The backup of a command, created if this is the command's first delivery. */
  public record Accepted(Backup backup, boolean created) {}

  public Uni<Accepted> accept(Backup.Request request) {
    return pool.preparedQuery(
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
                    ? Uni.createFrom().item(new Accepted(from(rows.iterator().next()), true))
                    : findByCommand(request.commandId())
                        .map(existing -> new Accepted(existing.orElseThrow(), false)));
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

  /** Backups that were running or waiting when a process stopped. */
  public Uni<List<Backup>> unfinished() {
    return pool.preparedQuery(
            "SELECT * FROM backup.backups WHERE status IN ('REQUESTED', 'RUNNING') ORDER BY requested_at")
        .execute()
        .map(this::all);
  }

  public Uni<Void> markRunning(String backupId, Instant startedAt) {
    return update(
        "UPDATE backup.backups SET status = 'RUNNING', started_at = $2, failure_reason = NULL,"
            + " bytes_dumped = 0, bytes_stored = 0, bytes_per_second = 0 WHERE backup_id = $1",
        backupId,
        utc(startedAt));
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
   * Records the backup as completed from its manifest. False when the backup had already finished
   * (completed, failed or deleted): a finished backup's state is final.
   */
  public Uni<Boolean> markCompleted(Manifest manifest) {
    return updateUnfinished(
        "UPDATE backup.backups SET status = 'COMPLETED', completed_at = $2, manifest = $3,"
            + " bytes_dumped = $4, bytes_stored = $5"
            + " WHERE backup_id = $1 AND status IN ('REQUESTED', 'RUNNING')",
        manifest.backupId(),
        utc(manifest.completedAt()),
        toJson(manifest),
        manifest.dumpBytes(),
        manifest.sizeBytes());
  }

  /**
   * Records the backup as failed. False when it had already finished: a late failure never turns a
   * completed backup into a failed one.
   */
  public Uni<Boolean> markFailed(String backupId, String reason, Instant at) {
    return updateUnfinished(
        "UPDATE backup.backups SET status = 'FAILED', failure_reason = $2, completed_at = $3"
            + " WHERE backup_id = $1 AND status IN ('REQUESTED', 'RUNNING')",
        backupId,
        reason,
        utc(at));
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

  public Uni<Void> markDeleted(String backupId, String reason, Instant at) {
    return update(
        "UPDATE backup.backups SET status = 'DELETED', deleted_at = $2, deleted_reason = $3 WHERE backup_id = $1",
        backupId,
        utc(at),
        reason);
  }

  public Uni<Void> markVerified(String backupId, Instant at) {
    return update(
        "UPDATE backup.backups SET verified_at = $2 WHERE backup_id = $1", backupId, utc(at));
  }

  private Uni<Boolean> updateUnfinished(String sql, Object... params) {
    return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> rows.rowCount() == 1);
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
