package dev.lifeboat.health.checks;

/** How the integrity checks read a table named in the catalog. */
final class TableNames {
  private TableNames() {}

  static String only(String relkind) {
    // A partitioned table holds no rows itself: its partitions are read with it.
    return "p".equals(relkind) ? "" : "ONLY ";
  }
}
