package dev.lifeboat.health.checks;

import dev.lifeboat.archive.CustomFormatScanner.TableName;
import dev.lifeboat.archive.DumpedTables;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.databases.Quoting;
import dev.lifeboat.common.databases.TargetConnectOptions;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.health.HealthConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one database, run over one read-only session of the reactive client: the session
 * starts with {@code default_transaction_read_only}, a {@code statement_timeout} and a {@code
 * lock_timeout}, and every query is a plain SELECT, so nothing takes more than an AccessShareLock
 * and nothing waits long for one. Queries run one after the other. Callers run this on a worker
 * thread, never two at once for one database.
 */
@ApplicationScoped
public class DatabaseChecks {
  /** Sessions of Lifeboat itself (pg_dump of a running backup) are no long transaction to flag. */
  private static final String OWN_SESSIONS = "lifeboat%";

  private final Vertx vertx;
  private final HealthConfig config;

  public DatabaseChecks(Vertx vertx, HealthConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** What a run found, and the round trip of a trivial query (null when unreachable). */
  public record Outcome(List<Finding> findings, Long latencyMillis) {}

  /**
   * Checks {@code database} on the target's server (the target's own database, or a drill's scratch
   * copy of it).
   *
   * @param baseline what to compare tables, columns and row counts with; null for none
   * @param rowLossThreshold share of rows a table may lose before it is CRITICAL
   */
  public Outcome run(
      TargetDatabase target, String database, Baseline baseline, double rowLossThreshold) {
    List<Finding> findings = new ArrayList<>();
    PgConnection connection;
    try {
      connection = connect(target, database);
    } catch (RuntimeException e) {
      findings.add(
          Finding.of(
              "connectivity",
              Severity.CRITICAL,
              "cannot connect to database " + database + ": " + message(e)));
      return new Outcome(findings, null);
    }
    try {
      Session s = new Session(connection);
      long started = System.nanoTime();
      s.query("SELECT 1");
      long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
      if (latency > config.latencyWarning().toMillis()) {
        findings.add(
            Finding.of(
                "connectivity",
                Severity.WARNING,
                "SELECT 1 took "
                    + latency
                    + " ms (more than "
                    + config.latencyWarning().toMillis()
                    + " ms)"));
      }
      Set<TableName> live = liveTables(s);
      if (baseline != null) {
        compareTables(baseline, live, findings);
        compareColumns(s, baseline, live, findings);
        compareRows(s, baseline, live, rowLossThreshold, findings);
      }
      foreignKeys(s, findings);
      invalidIndexes(s, findings);
      sequences(s, findings);
      primaryKeys(s, findings);
      longTransactions(s, findings);
      lockWaits(s, findings);
      return new Outcome(findings, latency);
    } catch (RuntimeException e) {
      findings.add(
          Finding.of(
              "connectivity",
              Severity.CRITICAL,
              "the check of " + database + " broke off: " + message(e)));
      return new Outcome(findings, null);
    } finally {
      try {
        connection.close().await().atMost(patience());
      } catch (RuntimeException e) {
        // The session ends with the connection either way.
      }
    }
  }

  /** A session as checks use it: read-only, with statement and lock timeouts. */
  PgConnection connect(TargetDatabase target, String database) {
    return PgConnection.connect(vertx, options(target, database)).await().atMost(patience());
  }

  private PgConnectOptions options(TargetDatabase target, String database) {
    PgConnectOptions options =
        TargetConnectOptions.of(target, database).setCachePreparedStatements(false);
    options.setConnectTimeout((int) config.connectTimeout().toMillis());
    // Sent with the startup packet: every statement of the session is bound by them.
    options.addProperty("application_name", "lifeboat-health");
    options.addProperty("default_transaction_read_only", "on");
    options.addProperty("statement_timeout", Long.toString(config.statementTimeout().toMillis()));
    options.addProperty("lock_timeout", Long.toString(config.lockTimeout().toMillis()));
    return options;
  }

  private Duration patience() {
    return config.statementTimeout().plus(config.connectTimeout()).plusSeconds(5);
  }

  /** The queries of one check run, each bounded by the session's timeouts. */
  private final class Session {
    private final PgConnection connection;

    Session(PgConnection connection) {
      this.connection = connection;
    }

    RowSet<Row> query(String sql) {
      return connection.query(sql).execute().await().atMost(patience());
    }

    RowSet<Row> query(String sql, Tuple parameters) {
      return connection.preparedQuery(sql).execute(parameters).await().atMost(patience());
    }
  }

  /**
   * The tables as {@link DumpedTables#QUERY} defines them (those a backup holds), read from the
   * catalog alone: their sizes would need a lock on each table, which a migration may hold.
   */
  private static Set<TableName> liveTables(Session s) {
    Set<TableName> tables = new LinkedHashSet<>();
    for (Row row :
        s.query(
            """
            SELECT n.nspname::text, c.relname::text
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_(toast|temp)'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""")) {
      tables.add(new TableName(row.getString(0), row.getString(1)));
    }
    return tables;
  }

  private static void compareTables(
      Baseline baseline, Set<TableName> live, List<Finding> findings) {
    Set<TableName> inBackup = new LinkedHashSet<>();
    for (Manifest.Table t : baseline.manifest().tables()) {
      TableName name = new TableName(t.schema(), t.name());
      inBackup.add(name);
      if (!live.contains(name)) {
        findings.add(
            new Finding(
                "tables",
                Severity.CRITICAL,
                display(name),
                "table "
                    + display(name)
                    + " is missing: backup "
                    + baseline.backupId()
                    + " has it with "
                    + t.rows()
                    + " row(s)"));
      }
    }
    for (TableName name : live) {
      if (!inBackup.contains(name)) {
        findings.add(
            new Finding(
                "tables",
                Severity.INFO,
                display(name),
                "table " + display(name) + " is new: backup " + baseline.backupId() + " has none"));
      }
    }
  }

  private static void compareColumns(
      Session s, Baseline baseline, Set<TableName> live, List<Finding> findings) {
    if (baseline.columns().isEmpty()) {
      findings.add(
          Finding.of(
              "columns",
              Severity.INFO,
              "columns not compared with backup "
                  + baseline.backupId()
                  + ": "
                  + baseline.columnsUnavailable()));
      return;
    }
    Map<TableName, List<String>> liveColumns = new LinkedHashMap<>();
    for (Row row :
        s.query(
            """
            SELECT n.nspname, c.relname, a.attname::text
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_(toast|temp)'
             ORDER BY n.nspname, c.relname, a.attnum""")) {
      liveColumns
          .computeIfAbsent(
              new TableName(row.getString(0), row.getString(1)), k -> new ArrayList<>())
          .add(row.getString(2));
    }
    for (var entry : baseline.columns().get().entrySet()) {
      TableName table = entry.getKey();
      if (!live.contains(table)) {
        continue; // reported as a missing table
      }
      List<String> now = liveColumns.getOrDefault(table, List.of());
      for (String column : entry.getValue()) {
        if (!now.contains(column)) {
          findings.add(
              new Finding(
                  "columns",
                  Severity.WARNING,
                  display(table),
                  "column "
                      + column
                      + " of "
                      + display(table)
                      + " was dropped: backup "
                      + baseline.backupId()
                      + " has it"));
        }
      }
      for (String column : now) {
        if (!entry.getValue().contains(column)) {
          findings.add(
              new Finding(
                  "columns",
                  Severity.INFO,
                  display(table),
                  "column "
                      + column
                      + " of "
                      + display(table)
                      + " is new: backup "
                      + baseline.backupId()
                      + " has none"));
        }
      }
    }
  }

  private static void compareRows(
      Session s, Baseline baseline, Set<TableName> live, double threshold, List<Finding> findings) {
    for (Manifest.Table t : baseline.manifest().tables()) {
      TableName name = new TableName(t.schema(), t.name());
      if (!live.contains(name)) {
        continue;
      }
      long now;
      try {
        now = s.query("SELECT count(*) FROM ONLY " + quoted(name)).iterator().next().getLong(0);
      } catch (RuntimeException e) {
        findings.add(
            new Finding(
                "row-counts",
                Severity.WARNING,
                display(name),
                "could not count the rows of " + display(name) + ": " + message(e)));
        continue;
      }
      long lost = t.rows() - now;
      if (lost <= 0) {
        continue;
      }
      double share = (double) lost / t.rows();
      boolean flagged = share > threshold;
      findings.add(
          new Finding(
              "row-counts",
              flagged ? Severity.CRITICAL : Severity.INFO,
              display(name),
              display(name)
                  + " lost "
                  + lost
                  + " of "
                  + t.rows()
                  + " row(s) ("
                  + String.format(Locale.ROOT, "%.1f", share * 100)
                  + "%) since backup "
                  + baseline.backupId()
                  + ": "
                  + now
                  + " now"
                  + (flagged
                      ? ", more than the "
                          + String.format(Locale.ROOT, "%.0f", threshold * 100)
                          + "% allowed"
                      : "")));
    }
  }

  /**
   * For every foreign key, validated or {@code NOT VALID}, counts the referencing rows whose parent
   * row does not exist: an anti-join per constraint. Rows with a NULL in the key reference nothing
   * (MATCH SIMPLE) unless the constraint is MATCH FULL.
   */
  private static void foreignKeys(Session s, List<Finding> findings) {
    for (Row fk :
        s.query(
            """
            SELECT con.conname::text, con.convalidated, con.confmatchtype::text,
                   cn.nspname::text, cl.relname::text, cl.relkind::text,
                   fn.nspname::text, fl.relname::text, fl.relkind::text,
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                          ORDER BY k.ord),
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                          ORDER BY k.ord)
              FROM pg_constraint con
              JOIN pg_class cl ON cl.oid = con.conrelid
              JOIN pg_namespace cn ON cn.oid = cl.relnamespace
              JOIN pg_class fl ON fl.oid = con.confrelid
              JOIN pg_namespace fn ON fn.oid = fl.relnamespace
             WHERE con.contype = 'f' AND con.conparentid = 0
               AND cn.nspname NOT IN ('pg_catalog', 'information_schema')
             ORDER BY cn.nspname, cl.relname, con.conname""")) {
      String name = fk.getString(0);
      boolean validated = fk.getBoolean(1);
      boolean matchFull = "f".equals(fk.getString(2));
      TableName child = new TableName(fk.getString(3), fk.getString(4));
      TableName parent = new TableName(fk.getString(6), fk.getString(7));
      String[] columns = fk.getArrayOfStrings(9);
      String[] referenced = fk.getArrayOfStrings(10);
      List<String> keyPresent = new ArrayList<>();
      List<String> matches = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        String c = "c." + Quoting.identifier(columns[i]);
        keyPresent.add(matchFull ? c + " IS NULL" : c + " IS NOT NULL");
        matches.add("p." + Quoting.identifier(referenced[i]) + " = " + c);
      }
      String sql =
          "SELECT count(*) FROM "
              + only(fk.getString(5))
              + quoted(child)
              + " c WHERE "
              + (matchFull
                  ? "NOT (" + String.join(" AND ", keyPresent) + ")"
                  : String.join(" AND ", keyPresent))
              + " AND NOT EXISTS (SELECT 1 FROM "
              + only(fk.getString(8))
              + quoted(parent)
              + " p WHERE "
              + String.join(" AND ", matches)
              + ")";
      String constraint =
          "foreign key " + name + (validated ? "" : " (NOT VALID)") + " on " + display(child);
      long orphans;
      try {
        orphans = s.query(sql).iterator().next().getLong(0);
      } catch (RuntimeException e) {
        findings.add(
            new Finding(
                "foreign-keys",
                Severity.WARNING,
                display(child),
                "could not check " + constraint + ": " + message(e)));
        continue;
      }
      if (orphans > 0) {
        findings.add(
            new Finding(
                "foreign-keys",
                Severity.CRITICAL,
                display(child),
                constraint
                    + ": "
                    + orphans
                    + " row(s) reference a missing row of "
                    + display(parent)
                    + " ("
                    + String.join(", ", columns)
                    + " -> "
                    + String.join(", ", referenced)
                    + ")"));
      }
    }
  }

  private static void invalidIndexes(Session s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT n.nspname::text, t.relname::text, i.relname::text
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE NOT x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             ORDER BY 1, 2, 3""")) {
      TableName table = new TableName(row.getString(0), row.getString(1));
      findings.add(
          new Finding(
              "indexes",
              Severity.WARNING,
              display(table),
              "index "
                  + row.getString(2)
                  + " on "
                  + display(table)
                  + " is invalid (a failed or still running CREATE INDEX CONCURRENTLY): queries"
                  + " do not use it and, if unique, it enforces nothing; drop and rebuild it"));
    }
  }

  /** A sequence whose next value is at or below its column's largest value: inserts collide. */
  private static void sequences(Session s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT sn.nspname::text, sc.relname::text, tn.nspname::text, t.relname::text,
                   a.attname::text, seq.seqincrement
              FROM pg_depend d
              JOIN pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = sc.relnamespace
              JOIN pg_sequence seq ON seq.seqrelid = sc.oid
              JOIN pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p')
              JOIN pg_namespace tn ON tn.oid = t.relnamespace
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.deptype IN ('a', 'i')
               AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
               AND NOT t.relispartition
               -- Not evaluated before relkind is known: on other relations it raises an error.
               AND CASE WHEN sc.relkind = 'S' THEN has_sequence_privilege(sc.oid, 'SELECT') END
             ORDER BY 1, 2""")) {
      TableName sequence = new TableName(row.getString(0), row.getString(1));
      TableName table = new TableName(row.getString(2), row.getString(3));
      String column = row.getString(4);
      long increment = row.getLong(5);
      try {
        Row state =
            s.query("SELECT last_value, is_called FROM " + quoted(sequence)).iterator().next();
        long next = state.getBoolean(1) ? state.getLong(0) + increment : state.getLong(0);
        Row extreme =
            s.query(
                    "SELECT "
                        + (increment > 0 ? "max(" : "min(")
                        + Quoting.identifier(column)
                        + ")::bigint FROM "
                        + quoted(table))
                .iterator()
                .next();
        Long highest = extreme.getLong(0);
        if (highest != null && (increment > 0 ? highest >= next : highest <= next)) {
          findings.add(
              new Finding(
                  "sequences",
                  Severity.CRITICAL,
                  display(table),
                  "sequence "
                      + display(sequence)
                      + " is behind "
                      + display(table)
                      + "."
                      + column
                      + ": its next value is "
                      + next
                      + " but the column already holds "
                      + highest
                      + "; inserts that use it will collide (setval it past "
                      + highest
                      + ")"));
        }
      } catch (RuntimeException e) {
        findings.add(
            new Finding(
                "sequences",
                Severity.WARNING,
                display(table),
                "could not check sequence " + display(sequence) + ": " + message(e)));
      }
    }
  }

  private static void primaryKeys(Session s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT n.nspname::text, c.relname::text
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_(toast|temp)'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                  AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""")) {
      TableName table = new TableName(row.getString(0), row.getString(1));
      findings.add(
          new Finding(
              "primary-keys",
              Severity.INFO,
              display(table),
              "table "
                  + display(table)
                  + " has no primary key: duplicate rows cannot be told apart"));
    }
  }

  private void longTransactions(Session s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT pid, coalesce(usename::text, ''), coalesce(state, ''),
                   extract(epoch FROM now() - xact_start)::float8, left(coalesce(query, ''), 120)
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND xact_start IS NOT NULL
               AND extract(epoch FROM now() - xact_start)::float8 > $1
               AND coalesce(application_name, '') NOT LIKE $2
             ORDER BY xact_start""",
            Tuple.of(config.longTransaction().toMillis() / 1000.0, OWN_SESSIONS))) {
      findings.add(
          Finding.of(
              "transactions",
              Severity.WARNING,
              "session "
                  + row.getInteger(0)
                  + " ("
                  + row.getString(1)
                  + ", "
                  + row.getString(2)
                  + ") has had a transaction open for "
                  + Math.round(row.getDouble(3))
                  + " s; it holds back vacuum and may hold locks. Last query: "
                  + row.getString(4)));
    }
  }

  private void lockWaits(Session s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT pid, pg_blocking_pids(pid)::text,
                   extract(epoch FROM now() - coalesce(state_change, query_start))::float8,
                   left(coalesce(query, ''), 120)
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND wait_event_type = 'Lock'
               AND extract(epoch FROM now() - coalesce(state_change, query_start))::float8 > $1
             ORDER BY 3 DESC""",
            Tuple.of(config.lockWait().toMillis() / 1000.0))) {
      findings.add(
          Finding.of(
              "locks",
              Severity.WARNING,
              "session "
                  + row.getInteger(0)
                  + " has waited "
                  + Math.round(row.getDouble(2))
                  + " s for a lock held by session(s) "
                  + row.getString(1)
                  + ": "
                  + row.getString(3)));
    }
  }

  private static String only(String relkind) {
    // A partitioned table holds no rows itself: its partitions are read with it.
    return "p".equals(relkind) ? "" : "ONLY ";
  }

  private static String quoted(TableName table) {
    return Quoting.identifier(table.schema()) + "." + Quoting.identifier(table.name());
  }

  /** {@code schema.table} as people write it. */
  public static String display(TableName table) {
    return table.schema() + "." + table.name();
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
