package dev.lifeboat.health.checks;

import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetConnectOptions;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.health.HealthConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  private final Vertx vertx;
  private final HealthConfig config;
  private final ActivityChecks activity;

  public DatabaseChecks(Vertx vertx, HealthConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.activity = new ActivityChecks(config);
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
      ReadOnlySession s = new ReadOnlySession(connection, patience());
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
      Set<TableName> live = BaselineComparison.liveTables(s);
      if (baseline != null) {
        BaselineComparison.compareTables(baseline, live, findings);
        BaselineComparison.compareColumns(s, baseline, live, findings);
        BaselineComparison.compareRows(s, baseline, live, rowLossThreshold, findings);
      }
      IntegrityChecks.foreignKeys(s, findings);
      IntegrityChecks.invalidIndexes(s, findings);
      IntegrityChecks.sequences(s, findings);
      IntegrityChecks.primaryKeys(s, findings);
      activity.longTransactions(s, findings);
      activity.lockWaits(s, findings);
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

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
