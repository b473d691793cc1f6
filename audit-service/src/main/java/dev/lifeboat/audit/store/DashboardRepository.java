package dev.lifeboat.audit.store;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** What the dashboard shows, derived from the audit log alone. */
@ApplicationScoped
public class DashboardRepository {
  private static final String COMPLETED = "dev.lifeboat.backup.completed";
  private static final String PRUNED = "dev.lifeboat.backup.pruned";
  private static final String CHECKED = "dev.lifeboat.health.checked";

  private final Pool pool;

  public DashboardRepository(Pool pool) {
    this.pool = pool;
  }

  /** A database's backups that were completed and not pruned since, and its newest one. */
  public record DatabaseBackups(
      String database,
      long backups,
      long totalBytes,
      String lastBackupId,
      OffsetDateTime lastCompletedAt,
      long lastSizeBytes,
      long lastDurationMillis) {}

  public Uni<List<DatabaseBackups>> backupsPerDatabase() {
    return pool.preparedQuery(
            """
            WITH kept AS (
                SELECT c.database, c.backup_id, c.event_time, c.auditseq,
                       (c.payload -> 'data' ->> 'sizeBytes')::bigint AS size_bytes,
                       (c.payload -> 'data' ->> 'durationMillis')::bigint AS duration_millis
                  FROM audit.events c
                 WHERE c.type = $1
                   AND NOT EXISTS (SELECT 1 FROM audit.events p WHERE p.type = $2 AND p.backup_id = c.backup_id)
            ), newest AS (
                SELECT DISTINCT ON (database) * FROM kept ORDER BY database, auditseq DESC
            )
            SELECT n.database, count(*) AS backups, sum(k.size_bytes) AS total_bytes,
                   n.backup_id, n.event_time, n.size_bytes, n.duration_millis
              FROM newest n JOIN kept k ON k.database = n.database
             GROUP BY n.database, n.backup_id, n.event_time, n.size_bytes, n.duration_millis
             ORDER BY n.database""")
        .execute(Tuple.of(COMPLETED, PRUNED))
        .map(
            rows -> {
              List<DatabaseBackups> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new DatabaseBackups(
                        r.getString("database"),
                        r.getLong("backups"),
                        longOrZero(r, "total_bytes"),
                        r.getString("backup_id"),
                        r.getOffsetDateTime("event_time"),
                        longOrZero(r, "size_bytes"),
                        longOrZero(r, "duration_millis")));
              }
              return out;
            });
  }

  /** The newest {@code dev.lifeboat.health.checked} of a database. */
  public record LatestHealth(
      String database, String status, int findings, String checkId, OffsetDateTime checkedAt) {}

  public Uni<List<LatestHealth>> latestHealth() {
    return pool.preparedQuery(
            """
            SELECT DISTINCT ON (database) database, event_time,
                   payload -> 'data' ->> 'status' AS status,
                   (payload -> 'data' ->> 'findings')::int AS findings,
                   payload -> 'data' ->> 'checkId' AS check_id
              FROM audit.events WHERE type = $1 AND database IS NOT NULL
             ORDER BY database, auditseq DESC""")
        .execute(Tuple.of(CHECKED))
        .map(
            rows -> {
              List<LatestHealth> out = new ArrayList<>();
              for (Row r : rows) {
                Integer findings = r.getInteger("findings");
                out.add(
                    new LatestHealth(
                        r.getString("database"),
                        r.getString("status"),
                        findings == null ? 0 : findings,
                        r.getString("check_id"),
                        r.getOffsetDateTime("event_time")));
              }
              return out;
            });
  }

  /** A restore whose latest event is neither completed, failed nor cancelled. */
  public record OpenRestore(
      String restoreId,
      String database,
      String backupId,
      String mode,
      String lastType,
      String step,
      OffsetDateTime since,
      OffsetDateTime lastEventAt) {}

  /**
   * Open restores; a plan nobody confirmed since {@code plannedAfter} has expired and is left out.
   */
  public Uni<List<OpenRestore>> openRestores(OffsetDateTime plannedAfter) {
    return pool.preparedQuery(
            """
            WITH restore_events AS (
                SELECT payload -> 'data' ->> 'restoreId' AS restore_id, database, type, event_time, auditseq,
                       payload -> 'data' ->> 'backupId' AS backup_id, payload -> 'data' ->> 'mode' AS mode,
                       payload -> 'data' ->> 'step' AS step
                  FROM audit.events
                 WHERE type IN ('dev.lifeboat.restore.planned', 'dev.lifeboat.restore.confirmed',
                                'dev.lifeboat.restore.started', 'dev.lifeboat.restore.progress',
                                'dev.lifeboat.restore.completed', 'dev.lifeboat.restore.failed',
                                'dev.lifeboat.restore.cancelled')
            ), latest AS (
                SELECT DISTINCT ON (restore_id) * FROM restore_events ORDER BY restore_id, auditseq DESC
            ), firsts AS (
                SELECT restore_id, min(event_time) AS since,
                       max(backup_id) AS backup_id, max(mode) AS mode
                  FROM restore_events GROUP BY restore_id
            )
            SELECT l.restore_id, l.database, f.backup_id, f.mode, l.type, l.step, f.since, l.event_time
              FROM latest l JOIN firsts f USING (restore_id)
             WHERE l.type NOT IN ('dev.lifeboat.restore.completed', 'dev.lifeboat.restore.failed',
                                  'dev.lifeboat.restore.cancelled')
               AND (l.type <> 'dev.lifeboat.restore.planned' OR l.event_time >= $1)
             ORDER BY f.since""")
        .execute(Tuple.of(plannedAfter))
        .map(
            rows -> {
              List<OpenRestore> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new OpenRestore(
                        r.getString("restore_id"),
                        r.getString("database"),
                        r.getString("backup_id"),
                        r.getString("mode"),
                        r.getString("type"),
                        r.getString("step"),
                        r.getOffsetDateTime("since"),
                        r.getOffsetDateTime("event_time")));
              }
              return out;
            });
  }

  /** One completed backup, for the size and duration chart. */
  public record BackupPoint(
      OffsetDateTime completedAt,
      String database,
      String backupId,
      long sizeBytes,
      long durationMillis) {}

  /** The newest completed backups, oldest first. */
  public Uni<List<BackupPoint>> backupHistory(int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM (
                SELECT auditseq, event_time, database, backup_id,
                       (payload -> 'data' ->> 'sizeBytes')::bigint AS size_bytes,
                       (payload -> 'data' ->> 'durationMillis')::bigint AS duration_millis
                  FROM audit.events WHERE type = $1 ORDER BY auditseq DESC LIMIT $2
            ) newest ORDER BY auditseq""")
        .execute(Tuple.of(COMPLETED, limit))
        .map(
            rows -> {
              List<BackupPoint> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new BackupPoint(
                        r.getOffsetDateTime("event_time"),
                        r.getString("database"),
                        r.getString("backup_id"),
                        longOrZero(r, "size_bytes"),
                        longOrZero(r, "duration_millis")));
              }
              return out;
            });
  }

  /** One migration: the databases it ran on, when it was seen, and the last fact about it. */
  public record MigrationSummary(
      String migration,
      List<String> databases,
      List<String> backupIds,
      OffsetDateTime firstAt,
      OffsetDateTime lastAt,
      String lastFact) {}

  /** Migrations named by any event, most recently active first. */
  public Uni<List<MigrationSummary>> migrations(int limit) {
    return pool.preparedQuery(
            """
            SELECT migration,
                   array_agg(DISTINCT database) FILTER (WHERE database IS NOT NULL) AS databases,
                   array_agg(DISTINCT backup_id) FILTER (WHERE backup_id IS NOT NULL) AS backup_ids,
                   min(event_time) AS first_at, max(event_time) AS last_at,
                   (array_agg(type ORDER BY auditseq DESC)
                      FILTER (WHERE type LIKE 'dev.lifeboat.migration.%'))[1] AS last_fact
              FROM audit.events
             WHERE migration IS NOT NULL AND kind = 'EVENT'
             GROUP BY migration
             ORDER BY max(auditseq) DESC
             LIMIT $1""")
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<MigrationSummary> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new MigrationSummary(
                        r.getString("migration"),
                        strings(r, "databases"),
                        strings(r, "backup_ids"),
                        r.getOffsetDateTime("first_at"),
                        r.getOffsetDateTime("last_at"),
                        r.getString("last_fact")));
              }
              return out;
            });
  }

  private static List<String> strings(Row r, String column) {
    String[] values = r.getArrayOfStrings(column);
    return values == null ? List.of() : List.of(values);
  }

  private static long longOrZero(Row r, String column) {
    Long v = r.getLong(column);
    return v == null ? 0 : v;
  }
}
