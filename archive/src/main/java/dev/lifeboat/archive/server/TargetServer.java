package dev.lifeboat.archive.server;

import dev.lifeboat.common.databases.Quoting;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.failpoints.Failpoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The server of a target database, reached through its maintenance database: creates, drops and
 * renames databases, and ends sessions for the swap.
 */
public final class TargetServer implements AutoCloseable {
  private final Connection connection;

  private TargetServer(Connection connection) {
    this.connection = connection;
  }

  public static TargetServer connect(TargetDatabase target) throws SQLException {
    return new TargetServer(TargetJdbc.connect(target, "postgres", "lifeboat"));
  }

  public static Connection connect(TargetDatabase target, String database) throws SQLException {
    return TargetJdbc.connect(target, database, "lifeboat");
  }

  public boolean exists(String database) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * The mark Lifeboat leaves on each database it creates ({@code COMMENT ON DATABASE}), so that
   * recovery after a crash learns from the server itself which database is whose, whatever its name
   * is by then: a comment belongs to the database, not to its name, and follows its renames.
   */
  public static String mark(String restoreId) {
    return "lifeboat:restore=" + restoreId;
  }

  /** The owner of {@code database}, or empty when it does not exist. */
  public Optional<String> owner(String database) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** The comment on {@code database}; empty when it has none or does not exist. */
  public Optional<String> comment(String database) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Whether {@code database} exists and carries {@code mark}: Lifeboat created it for that. */
  public boolean isMarked(String database, String mark) throws SQLException {
    return comment(database).filter(mark::equals).isPresent();
  }

  /** Creates a database owned by the same role as {@code like}, so the swap keeps its owner. */
  public void createLike(String database, String like) throws SQLException {
    String owner = owner(like).orElse(null);
    execute(
        "CREATE DATABASE "
            + Quoting.identifier(database)
            + (owner == null ? "" : " OWNER " + Quoting.identifier(owner)));
  }

  /**
   * Creates {@code database} owned by {@code owner} (the role that owns the target, so that a swap
   * keeps its owner) and marks it. A database that is created but not yet marked when the process
   * dies is one that nothing refers to: it has a name no one else uses ({@code _lbr_}) and is left
   * for the operator rather than dropped unmarked.
   */
  public void createMarked(String database, String owner, String mark) throws SQLException {
    String d = Quoting.identifier(database);
    execute("CREATE DATABASE " + d + (owner == null ? "" : " OWNER " + Quoting.identifier(owner)));
    execute("COMMENT ON DATABASE " + d + " IS " + Quoting.literal(mark));
  }

  /**
   * Drops {@code database} (ending its sessions) only if it carries {@code mark}; a database of the
   * same name that Lifeboat did not create for this restore is never dropped. Returns whether it
   * dropped one.
   */
  public boolean dropIfMarked(String database, String mark) throws SQLException {
    if (!isMarked(database, mark)) {
      return false;
    }
    execute("DROP DATABASE IF EXISTS " + Quoting.identifier(database) + " WITH (FORCE)");
    return true;
  }

  public void dropIfExists(String database) throws SQLException {
    execute("DROP DATABASE IF EXISTS " + Quoting.identifier(database) + " WITH (FORCE)");
  }

  /**
   * Drops {@code database} if it carries {@code mark} or no comment at all: for a name that only
   * this restore uses ({@code <db>_lbr_<its id>}), where an unmarked database is one a crash left
   * between its CREATE and its COMMENT. A database another restore marked is never dropped.
   */
  public boolean dropIfMarkedOrUnmarked(String database, String mark) throws SQLException {
    if (!exists(database) || !comment(database).map(mark::equals).orElse(true)) {
      return false;
    }
    execute("DROP DATABASE IF EXISTS " + Quoting.identifier(database) + " WITH (FORCE)");
    return true;
  }

  /** Lets connections into {@code database} again, as a swap that did not happen must. */
  public void allowConnections(String database) throws SQLException {
    if (exists(database)) {
      execute("ALTER DATABASE " + Quoting.identifier(database) + " ALLOW_CONNECTIONS true");
    }
  }

  /**
   * Puts {@code replacement} in the place of {@code target}, which becomes {@code keptAs}. New
   * connections to the target are refused first (committed on its own, so that none arrive between
   * ending the sessions and the renames); then both renames and the undo's reopening commit in one
   * transaction. Whatever happens, the server has a database named {@code target}: the old one (the
   * transaction did not commit; connections are allowed again here, or by recovery after a crash)
   * or the restored one.
   */
  public void swap(String target, String replacement, String keptAs) throws SQLException {
    String t = Quoting.identifier(target);
    execute("ALTER DATABASE " + t + " ALLOW_CONNECTIONS false");
    try {
      endSessions(target);
      connection.setAutoCommit(false);
      try {
        execute("ALTER DATABASE " + t + " RENAME TO " + Quoting.identifier(keptAs));
        execute("ALTER DATABASE " + Quoting.identifier(replacement) + " RENAME TO " + t);
        // The old database stays as the undo: reachable again, under its new name.
        execute("ALTER DATABASE " + Quoting.identifier(keptAs) + " ALLOW_CONNECTIONS true");
        Failpoints.reach("restore.in-swap");
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      allowConnections(target);
      throw e;
    }
  }

  private void endSessions(String database) throws SQLException {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (PreparedStatement s =
          connection.prepareStatement(
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
        s.setString(1, database);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted while ending sessions of " + database, e);
      }
    }
    throw new SQLException("sessions of " + database + " did not end");
  }

  private void execute(String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
