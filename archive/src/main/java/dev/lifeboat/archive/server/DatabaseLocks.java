package dev.lifeboat.archive.server;

import dev.lifeboat.common.databases.TargetDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Keeps a backup of a database and a restore of it from running at the same time, across services
 * and replicas: a PostgreSQL advisory lock on the target's server, held by a session in its
 * maintenance database {@code postgres} (the target itself is renamed, dropped or swapped by
 * restores). Backups and health checks hold it shared, so several may run; a restore holds it
 * exclusively, so it waits for running backups and checks, and new ones wait for it.
 */
public final class DatabaseLocks {
  /** The first key of Lifeboat's advisory locks: "LBOT". */
  static final int NAMESPACE = 0x4C424F54;

  private DatabaseLocks() {}

  /** A held lock; closing it (its session) releases it. */
  public static final class Lease implements AutoCloseable {
    private final Connection session;

    private Lease(Connection session) {
      this.session = session;
    }

    @Override
    public void close() throws SQLException {
      session.close();
    }
  }

  /**
   * Taken by a backup or a check; waits at most {@code wait} (zero: as long as it takes) for a
   * restore.
   */
  public static Lease shared(TargetDatabase target, Duration wait) throws SQLException {
    return take(target, wait, "pg_advisory_lock_shared");
  }

  /**
   * Taken by a restore; waits at most {@code wait} (zero: as long as it takes) for backups and
   * checks.
   */
  public static Lease exclusive(TargetDatabase target, Duration wait) throws SQLException {
    return take(target, wait, "pg_advisory_lock");
  }

  private static Lease take(TargetDatabase target, Duration wait, String function)
      throws SQLException {
    Connection session = TargetServer.connect(target, "postgres");
    try {
      try (Statement s = session.createStatement()) {
        s.execute("SET lock_timeout = " + Math.max(0, wait.toMillis()));
      }
      try (PreparedStatement s =
          session.prepareStatement("SELECT " + function + "(?, hashtext(?))")) {
        s.setInt(1, NAMESPACE);
        s.setString(2, target.database());
        s.execute();
      }
      return new Lease(session);
    } catch (SQLException e) {
      session.close();
      if ("55P03".equals(e.getSQLState())) {
        throw new SQLException(
            (function.endsWith("shared")
                    ? "a restore of " + target.database() + " is running"
                    : "a backup or health check of " + target.database() + " is running")
                + " and did not finish within "
                + wait,
            "55P03",
            e);
      }
      throw e;
    }
  }
}
