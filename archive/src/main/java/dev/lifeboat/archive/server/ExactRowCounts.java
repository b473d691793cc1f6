package dev.lifeboat.archive.server;

import dev.lifeboat.common.databases.TableName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * A table's exact row count, as manifests, restore plans and restore verification compare them:
 * {@code count(*)} of the table itself ({@code ONLY}: a partitioned or inherited table's children
 * are tables of their own in a dump), in the statement's transaction and snapshot.
 */
public final class ExactRowCounts {
  private static final String UNDEFINED_TABLE = "42P01";

  private ExactRowCounts() {}

  /**
   * The rows of {@code schema.table}; empty when no such table exists. (Inside a transaction, a
   * missing table aborts it: callers that ask about tables that may be gone run in autocommit.)
   */
  public static OptionalLong of(Statement statement, String schema, String table)
      throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql(new TableName(schema, table)))) {
      rs.next();
      return OptionalLong.of(rs.getLong(1));
    } catch (SQLException e) {
      if (UNDEFINED_TABLE.equals(e.getSQLState())) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  /** The statement that counts the table's own rows, also for clients other than JDBC. */
  public static String sql(TableName table) {
    return "SELECT count(*) FROM ONLY " + table.quoted();
  }

  /** The rows of a table that must exist. */
  public static long existing(Statement statement, String schema, String table)
      throws SQLException {
    return of(statement, schema, table)
        .orElseThrow(() -> new SQLException("table " + schema + "." + table + " does not exist"));
  }
}
