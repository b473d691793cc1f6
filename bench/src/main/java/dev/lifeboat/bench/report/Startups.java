package dev.lifeboat.bench.report;

import dev.lifeboat.bench.lifeboat.Startup;
import java.util.List;

/** The start of each service a benchmark ran, as a table for its report. */
final class Startups {
  private Startups() {}

  /** {@code service | time to ready | resident memory at idle}, and what the columns measure. */
  static String table(List<Startup> startups) {
    StringBuilder md =
        new StringBuilder(
            "| service | time to ready | resident memory at idle |\n|---|---:|---:|\n");
    for (Startup startup : startups) {
      md.append("| ")
          .append(startup.service())
          .append(" | ")
          .append(Units.seconds(startup.timeToReady()))
          .append(" | ")
          .append(Units.mebibytes(startup.idleResidentBytes()))
          .append(" |\n");
    }
    return md.append(
            "\nTime to ready: from starting the service's process until `/q/health/ready` answered"
                + " 200. Resident memory at idle: its VmRSS right after that.\n")
        .toString();
  }
}
