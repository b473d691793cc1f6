package dev.lifeboat.restore.execution;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Who runs a restore right now: a session-level advisory lock in the control database, held by the
 * worker that runs it for as long as it runs. A redelivered command whose restore is running here
 * or in another replica finds the lock taken and leaves the work alone; only once the runner is
 * gone (its session ended with its process) may another take the restore over and recover it.
 * Recovery therefore never mistakes live work for what a crash left behind.
 */
@ApplicationScoped
class RunLocks {
  /** The first key of restore-service's run locks: "LBRS". */
  static final int NAMESPACE = 0x4C425253;

  private final AgroalDataSource control;

  RunLocks(AgroalDataSource control) {
    this.control = control;
  }

  /** Held while the restore runs; closing it releases the restore to others. */
  static final class Held implements AutoCloseable {
    private final Connection session;
    private final String restoreId;

    private Held(Connection session, String restoreId) {
      this.session = session;
      this.restoreId = restoreId;
    }

    /** Unlocks before the session goes back to the pool, where it lives on. */
    @Override
    public void close() throws SQLException {
      try (PreparedStatement s =
          session.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
        s.setInt(1, NAMESPACE);
        s.setString(2, restoreId);
        s.execute();
      } finally {
        session.close();
      }
    }
  }

  /** Takes the restore's lock at once, or finds it held by a live runner (empty). */
  Optional<Held> tryTake(String restoreId) throws SQLException {
    Connection session = control.getConnection();
    try (PreparedStatement s =
        session.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
      s.setInt(1, NAMESPACE);
      s.setString(2, restoreId);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) {
          return Optional.of(new Held(session, restoreId));
        }
      }
    } catch (SQLException | RuntimeException e) {
      session.close();
      throw e;
    }
    session.close();
    return Optional.empty();
  }
}
