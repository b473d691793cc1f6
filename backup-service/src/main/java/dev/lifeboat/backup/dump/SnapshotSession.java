package dev.lifeboat.backup.dump;

import dev.lifeboat.archive.DumpedTables;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.ExactRowCounts;
import dev.lifeboat.archive.server.TargetJdbc;
import dev.lifeboat.common.databases.TargetDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A read-only REPEATABLE READ transaction on the target whose snapshot pg_dump shares ({@code
 * --snapshot}). Row counts read here describe exactly what the dump holds. The transaction must
 * stay open until pg_dump has imported the snapshot; closing the session ends it.
 */
final class SnapshotSession implements AutoCloseable {
  private final Connection connection;
  private final String snapshotId;
  private final int serverVersionNum;
  private final String serverVersion;

  private SnapshotSession(
      Connection connection, String snapshotId, int serverVersionNum, String serverVersion) {
    this.connection = connection;
    this.snapshotId = snapshotId;
    this.serverVersionNum = serverVersionNum;
    this.serverVersion = serverVersion;
  }

  static SnapshotSession open(TargetDatabase target) throws SQLException {
    Connection connection = TargetJdbc.connect(target, "lifeboat-backup");
    try {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
      try (Statement s = connection.createStatement()) {
        s.execute("SET LOCAL statement_timeout = 0");
        String snapshot = single(s, "SELECT pg_export_snapshot()");
        int versionNum = Integer.parseInt(single(s, "SHOW server_version_num"));
        String version = single(s, "SHOW server_version");
        return new SnapshotSession(connection, snapshot, versionNum, version);
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  String snapshotId() {
    return snapshotId;
  }

  int serverVersionNum() {
    return serverVersionNum;
  }

  String serverVersion() {
    return serverVersion;
  }

  /** Every table whose data pg_dump writes, with its size (rows not yet counted). */
  List<Manifest.Table> tables() throws SQLException {
    List<Manifest.Table> tables = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(DumpedTables.QUERY)) {
      while (rs.next()) {
        tables.add(new Manifest.Table(rs.getString(1), rs.getString(2), 0, rs.getLong(3)));
      }
    }
    return tables;
  }

  /**
   * Counts rows with SQL in this snapshot: exact, but a second scan of every table. Used only when
   * the dump's own stream could not be read for counts.
   */
  List<Manifest.Table> countRows(List<Manifest.Table> tables) throws SQLException {
    List<Manifest.Table> counted = new ArrayList<>(tables.size());
    try (Statement s = connection.createStatement()) {
      for (Manifest.Table t : tables) {
        counted.add(
            new Manifest.Table(
                t.schema(), t.name(), ExactRowCounts.existing(s, t.schema(), t.name()), t.bytes()));
      }
    }
    return counted;
  }

  @Override
  public void close() throws SQLException {
    try {
      connection.rollback();
    } finally {
      connection.close();
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
