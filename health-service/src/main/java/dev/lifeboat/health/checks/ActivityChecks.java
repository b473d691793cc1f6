package dev.lifeboat.health.checks;

import dev.lifeboat.health.HealthConfig;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;

/** What the server is doing now: long transactions and sessions waiting for locks. */
final class ActivityChecks {
  /** Sessions of Lifeboat itself (pg_dump of a running backup) are no long transaction to flag. */
  private static final String OWN_SESSIONS = "lifeboat%";

  private final HealthConfig config;

  ActivityChecks(HealthConfig config) {
    this.config = config;
  }

  void longTransactions(ReadOnlySession s, List<Finding> findings) {
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

  void lockWaits(ReadOnlySession s, List<Finding> findings) {
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
}
