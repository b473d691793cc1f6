package dev.lifeboat.bench.report;

import dev.lifeboat.bench.baselines.S3Script;
import dev.lifeboat.bench.measure.Series;
import java.util.List;

/**
 * The goals, checked against the medians: within 1.25× of the logical-dump limit on both
 * datasets, faster than the runbook's {@code | gzip} on both (at least 1.3× on pgbench), stored
 * size no larger than gzip's, within 1.1× of the same work done with the standard tools into the
 * same S3 server on both, and backup-service under 300 MiB resident at any size.
 */
final class Goals {
  static final double LIMIT_FACTOR = 1.25;
  static final double GZIP_SPEEDUP_PGBENCH = 1.3;
  static final double STANDARD_TOOLS_FACTOR = 1.1;
  static final long RSS_CEILING = 300L * 1024 * 1024;

  private Goals() {}

  /**
   * One goal: its figure on each dataset, and whether it holds on both.
   *
   * @param unmeasured why the goal could not be checked; null when it was
   */
  record Goal(String goal, String pgbench, String schemas, boolean met, String unmeasured) {
    Goal(String goal, String pgbench, String schemas, boolean met) {
      this(goal, pgbench, schemas, met, null);
    }

    String verdict() {
      if (unmeasured != null) {
        return unmeasured;
      }
      return met ? "met" : "**not met**";
    }
  }

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
        standardTools(pgbench, schemas),
        new Goal(
            "backup-service peak RSS < " + Units.mebibytes(RSS_CEILING),
            Units.mebibytes(pgbench.peakRssBytes()),
            Units.mebibytes(schemas.peakRssBytes()),
            pgbench.peakRssBytes() < RSS_CEILING && schemas.peakRssBytes() < RSS_CEILING));
  }

  private static Goal standardTools(DatasetResult pgbench, DatasetResult schemas) {
    String goal =
        "Lifeboat time ÷ "
            + S3Script.METHOD
            + " time ≤ "
            + STANDARD_TOOLS_FACTOR
            + "× on both datasets";
    if (pgbench.standardToS3().isEmpty() || schemas.standardToS3().isEmpty()) {
      return new Goal(goal, "—", "—", false, S3Script.SKIPPED);
    }
    double pg = standardToolsRatio(pgbench, pgbench.standardToS3().get());
    double sc = standardToolsRatio(schemas, schemas.standardToS3().get());
    return new Goal(
        goal,
        Units.ratio(pg),
        Units.ratio(sc),
        pg <= STANDARD_TOOLS_FACTOR && sc <= STANDARD_TOOLS_FACTOR);
  }

  private static double standardToolsRatio(DatasetResult result, Series standardTools) {
    return Units.ratio(result.lifeboat().median(), standardTools.median());
  }

  private static double sizeRatio(DatasetResult result) {
    return (double) result.lifeboat().medianStoredBytes() / result.gzipScript().medianStoredBytes();
  }
}
