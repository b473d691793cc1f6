package dev.lifeboat.restore.plan;

import dev.lifeboat.archive.DumpedTables;
import dev.lifeboat.archive.server.ExactRowCounts;
import dev.lifeboat.archive.server.TargetJdbc;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exact row counts of the target as it is now, read-only, for the data-loss warning. */
@ApplicationScoped
public class LiveRowCounts {
  /** Rows per table. */
  public Map<TableName, Long> count(TargetDatabase target) throws SQLException {
    try (Connection c = TargetJdbc.connect(target, "lifeboat-restore-plan")) {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      Map<TableName, Long> rows = new LinkedHashMap<>();
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL statement_timeout = '60s'");
        List<TableName> tables = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(DumpedTables.QUERY)) {
          while (rs.next()) {
            tables.add(new TableName(rs.getString(1), rs.getString(2)));
          }
        }
        for (TableName table : tables) {
          rows.put(table, ExactRowCounts.existing(s, table.schema(), table.name()));
        }
      }
      c.rollback();
      return rows;
    }
  }
}
