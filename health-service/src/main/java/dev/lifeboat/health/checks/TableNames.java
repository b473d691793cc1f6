package dev.lifeboat.health.checks;

import dev.lifeboat.archive.CustomFormatScanner.TableName;
import dev.lifeboat.common.databases.Quoting;

/** How checks name tables in SQL and to people. */
final class TableNames {
  private TableNames() {}

  static String only(String relkind) {
    // A partitioned table holds no rows itself: its partitions are read with it.
    return "p".equals(relkind) ? "" : "ONLY ";
  }

  static String quoted(TableName table) {
    return Quoting.identifier(table.schema()) + "." + Quoting.identifier(table.name());
  }

  /** {@code schema.table} as people write it. */
  static String display(TableName table) {
    return table.schema() + "." + table.name();
  }
}
