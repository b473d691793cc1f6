package dev.lifeboat.bench.report;

import java.util.List;

/**
 * The goals, checked against the medians: within 1.25× of the logical-dump limit on both
 * datasets, faster than the runbook's {@code | gzip} on both (at least 1.3× on pgbench), stored
 * size no larger than gzip's, and backup-service under 300 MiB resident at any size.
 */
final class Goals {
  static final double LIMIT_FACTOR = 1.25;
  static final double GZIP_SPEEDUP_PGBENCH = 1.3;
  static final long RSS_CEILING = 300L * 1024 * 1024;

  private Goals() {}

  /** One goal: its figure on each dataset, and whether it holds on both. */
  record Goal(String goal, String pgbench, String schemas, boolean met) {}

  static List<Goal> evaluate(DatasetResult pgbench, DatasetResult schemas) {
    double pgLimit = Units.ratio(pgbench.lifeboat().median(), pgbench.limit().median());
    double schemasLimit = Units.ratio(schemas.lifeboat().median(), schemas.limit().median());
    double pgSpeedup = Units.ratio(pgbench.gzipScript().median(), pgbench.lifeboat().median());
    double schemasSpeedup = Units.ratio(schemas.gzipScript().median(), schemas.lifeboat().median());
    double pgSize = sizeRatio(pgbench);
    double schemasSize = sizeRatio(schemas);
    return List.of(
        new Goal(
            "Lifeboat time ÷ limit time ≤ " + LIMIT_FACTOR + "×",
            Units.ratio(pgLimit),
            Units.ratio(schemasLimit),
            pgLimit <= LIMIT_FACTOR && schemasLimit <= LIMIT_FACTOR),
        new Goal(
            "`| gzip` time ÷ Lifeboat time: ≥ "
                + GZIP_SPEEDUP_PGBENCH
                + "× on pgbench, > 1× on both",
            Units.ratio(pgSpeedup),
            Units.ratio(schemasSpeedup),
            pgSpeedup >= GZIP_SPEEDUP_PGBENCH && schemasSpeedup > 1),
        new Goal(
            "Lifeboat stored size ÷ `| gzip` size ≤ 1",
            Units.ratio(pgSize),
            Units.ratio(schemasSize),
            pgSize <= 1 && schemasSize <= 1),
        new Goal(
            "backup-service peak RSS < " + Units.mebibytes(RSS_CEILING),
            Units.mebibytes(pgbench.peakRssBytes()),
            Units.mebibytes(schemas.peakRssBytes()),
            pgbench.peakRssBytes() < RSS_CEILING && schemas.peakRssBytes() < RSS_CEILING));
  }

  private static double sizeRatio(DatasetResult result) {
    return (double) result.lifeboat().medianStoredBytes() / result.gzipScript().medianStoredBytes();
  }
}
