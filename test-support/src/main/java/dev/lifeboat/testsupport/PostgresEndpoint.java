package dev.lifeboat.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A running PostgreSQL server reachable over TCP with a superuser.
 *
 * @param clientBinDir where pg_dump, pg_restore and psql of a major version at least the server's
 *     live on this machine
 */
public record PostgresEndpoint(
    String host, int port, String username, String password, Path clientBinDir) {

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The URL form of the contract's {@code lifeboat.databases.<name>.url}. */
  public String url(String database) {
    return "postgresql://" + host + ":" + port + "/" + database;
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), username, password);
  }

  /** Creates the database if it does not exist yet. */
  public void createDatabase(String database) {
    try (Connection c = connect("postgres");
        var exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database);
      if (!exists.executeQuery().next()) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE DATABASE " + quote(database));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + database, e);
    }
  }

  public void dropDatabase(String database) {
    execute("postgres", "DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
  }

  /** Runs SQL statements (separated by semicolons, as JDBC allows) in the given database. */
  public void execute(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed in " + database + ": " + e.getMessage(), e);
    }
  }

  /** The single long value a query returns, e.g. a count. */
  public long queryLong(String database, String sql) {
    try (Connection c = connect(database);
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new IllegalStateException("no row from: " + sql);
      }
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("query failed in " + database + ": " + e.getMessage(), e);
    }
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
