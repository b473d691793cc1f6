package dev.lifeboat.archive.restore;

import dev.lifeboat.common.databases.Quoting;
import dev.lifeboat.common.databases.TargetDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

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
    return new TargetServer(
        DriverManager.getConnection(url(target, "postgres"), properties(target)));
  }

  public static Connection connect(TargetDatabase target, String database) throws SQLException {
    return DriverManager.getConnection(url(target, database), properties(target));
  }

  private static String url(TargetDatabase target, String database) {
    return "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + database;
  }

  private static Properties properties(TargetDatabase target) {
    Properties props = new Properties();
    props.setProperty("user", target.username());
    target.password().ifPresent(p -> props.setProperty("password", p));
    props.setProperty("ApplicationName", "lifeboat");
    props.setProperty("connectTimeout", "10");
    return props;
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

  /** Creates a database owned by the same role as {@code like}, so the swap keeps its owner. */
  public void createLike(String database, String like) throws SQLException {
    String owner;
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
      s.setString(1, like);
      try (ResultSet rs = s.executeQuery()) {
        owner = rs.next() ? rs.getString(1) : null;
      }
    }
    execute(
        "CREATE DATABASE "
            + Quoting.identifier(database)
            + (owner == null ? "" : " OWNER " + Quoting.identifier(owner)));
  }

  /**
   * Drops {@code database} (ending its sessions) and creates it again, empty, with the same owner:
   * the first act of an in-place restore.
   */
  public void recreate(String database) throws SQLException {
    String owner;
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("database " + database + " does not exist");
        }
        owner = rs.getString(1);
      }
    }
    String d = Quoting.identifier(database);
    execute("DROP DATABASE " + d + " WITH (FORCE)");
    execute("CREATE DATABASE " + d + " OWNER " + Quoting.identifier(owner));
  }

  public void dropIfExists(String database) throws SQLException {
    execute("DROP DATABASE IF EXISTS " + Quoting.identifier(database) + " WITH (FORCE)");
  }

  /**
   * Puts {@code replacement} in the place of {@code target}, which becomes {@code keptAs}: blocks
   * new connections to the target, ends the remaining ones, renames both. Should the second rename
   * fail, the first is undone, so the target is never left missing.
   */
  public void swap(String target, String replacement, String keptAs) throws SQLException {
    String t = Quoting.identifier(target);
    execute("ALTER DATABASE " + t + " ALLOW_CONNECTIONS false");
    try {
      endSessions(target);
      execute("ALTER DATABASE " + t + " RENAME TO " + Quoting.identifier(keptAs));
    } catch (SQLException e) {
      execute("ALTER DATABASE " + t + " ALLOW_CONNECTIONS true");
      throw e;
    }
    try {
      execute("ALTER DATABASE " + Quoting.identifier(replacement) + " RENAME TO " + t);
    } catch (SQLException e) {
      execute("ALTER DATABASE " + Quoting.identifier(keptAs) + " RENAME TO " + t);
      execute("ALTER DATABASE " + t + " ALLOW_CONNECTIONS true");
      throw e;
    }
    // The old database stays as the undo: reachable again, under its new name.
    execute("ALTER DATABASE " + Quoting.identifier(keptAs) + " ALLOW_CONNECTIONS true");
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
