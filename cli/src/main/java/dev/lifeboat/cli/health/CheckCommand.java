package dev.lifeboat.cli.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Table;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat check <db>}: run an integrity check and show its findings. */
@Command(
    abbreviateSynopsis = true,
    name = "check",
    sortOptions = false,
    header = "Check a database's integrity now.",
    description = {
      "Check a database's integrity now (POST /api/v1/checks on health-service), optionally"
          + " against a baseline backup (row counts, tables, constraints).",
      "Exit 0 when HEALTHY or DEGRADED, 1 when UNHEALTHY (and DEGRADED with --fail-on-degraded)."
    })
public final class CheckCommand implements Callable<Integer> {
  static final Set<String> VERDICTS = Set.of("HEALTHY", "DEGRADED", "UNHEALTHY");
  private static final List<String> SEVERITIES = List.of("CRITICAL", "ERROR", "WARNING", "INFO");

  private final Session session;

  @Parameters(paramLabel = "<db>", description = "the target database")
  String database;

  @Option(
      names = "--baseline",
      paramLabel = "BACKUP_ID",
      description = "compare with this backup (e.g. the one taken before a migration)")
  String baseline;

  @Option(names = "--fail-on-degraded", description = "exit 1 for DEGRADED too")
  boolean failOnDegraded;

  @Option(names = "--poll-interval", hidden = true, defaultValue = "1000")
  long pollMillis;

  public CheckCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    JsonNode report = run(session.api(), database, baseline, pollMillis);
    if (session.json()) {
      session.printJson(report);
    } else {
      print(session.io().out(), report);
    }
    String status = report.path("status").asText();
    if ("UNHEALTHY".equals(status) || ("DEGRADED".equals(status) && failOnDegraded)) {
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  /**
   * Runs a check of {@code database} (POST /api/v1/checks) and returns its report once it has a
   * verdict (HEALTHY, DEGRADED or UNHEALTHY).
   */
  static JsonNode run(ApiClient api, String database, String baseline, long pollMillis) {
    ObjectNode request = ApiClient.JSON.createObjectNode().put("database", database);
    if (baseline != null) {
      request.put("baselineBackupId", baseline);
    }
    JsonNode report = api.postSlow(Service.HEALTH, "/api/v1/checks", request).body();
    // The contract answers with the finished report; should a check ever run asynchronously,
    // follow it by its id until it has a verdict.
    while (!VERDICTS.contains(report.path("status").asText())) {
      String checkId = report.path("checkId").asText(null);
      if (checkId == null) {
        throw new CliException(
            ExitCodes.SERVICE_ERROR,
            "health-service answered without a verdict or a check id: " + report);
      }
      Session.pause(Duration.ofMillis(Math.max(50, pollMillis)));
      report = api.get(Service.HEALTH, "/api/v1/checks/" + Query.encode(checkId));
    }
    return report;
  }

  public static void print(PrintStream out, JsonNode report) {
    String baselineId = report.path("baselineBackupId").asText(null);
    out.println(
        "check "
            + report.path("checkId").asText("?")
            + " of "
            + report.path("database").asText("?")
            + ": "
            + report.path("status").asText()
            + (baselineId == null ? "" : " (baseline " + baselineId + ")"));
    Table table = findings(report);
    if (table.isEmpty()) {
      out.println("  no findings");
    } else {
      table.print(out, "  ");
    }
  }

  /** A report's findings, the worst first. */
  static Table findings(JsonNode report) {
    List<JsonNode> findings = new ArrayList<>();
    report.path("findings").forEach(findings::add);
    findings.sort(Comparator.comparingInt(f -> severityRank(f.path("severity").asText())));
    Table table = new Table("SEVERITY", "CHECK", "TABLE", "MESSAGE");
    for (JsonNode f : findings) {
      table.row(
          f.path("severity").asText(),
          f.path("check").asText(),
          f.path("table").isMissingNode() || f.path("table").isNull()
              ? null
              : f.path("table").asText(),
          f.path("message").asText());
    }
    return table;
  }

  private static int severityRank(String severity) {
    int i = SEVERITIES.indexOf(severity.toUpperCase(java.util.Locale.ROOT));
    return i < 0 ? SEVERITIES.size() : i;
  }
}
