package dev.lifeboat.cli.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;
import dev.lifeboat.cli.Session;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.cli.api.ApiResponse;
import dev.lifeboat.cli.api.Query;
import dev.lifeboat.cli.api.Service;
import dev.lifeboat.cli.output.Units;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat verify <backupId>}: verify a stored backup, optionally by a restore drill. */
@Command(
    abbreviateSynopsis = true,
    name = "verify",
    sortOptions = false,
    header = "Verify a stored backup: checksum, restore drill.",
    description = {
      "Verify a stored backup (POST /api/v1/verifications on health-service): its checksum, and"
          + " with --drill a restore into a scratch database with row counts compared.",
      "With --wait, follow it: exit 0 when verified, 1 when it failed."
    })
public final class VerifyCommand implements Callable<Integer> {
  /** States of a verification that has not finished yet; anything else is a result. */
  static final Set<String> UNFINISHED =
      Set.of("REQUESTED", "ACCEPTED", "PENDING", "QUEUED", "RUNNING", "VERIFYING");

  private final Session session;

  @Parameters(paramLabel = "<backupId>", description = "the backup to verify")
  String backupId;

  @Option(
      names = "--database",
      paramLabel = "DB",
      description = "the backup's database (default: looked up among the configured ones)")
  String database;

  @Option(names = "--drill", description = "restore it into a scratch database and compare rows")
  boolean drill;

  @Option(names = "--wait", description = "follow the verification until it has a result")
  boolean await;

  @Option(names = "--poll-interval", hidden = true, defaultValue = "1000")
  long pollMillis;

  public VerifyCommand(Session session) {
    this.session = session;
  }

  @Override
  public Integer call() {
    ApiClient api = session.api();
    ApiResponse accepted = api.post(Service.HEALTH, "/api/v1/verifications", request());
    String id = verificationId(accepted);
    JsonNode verification = accepted.body();
    if (await) {
      while (UNFINISHED.contains(status(verification))) {
        Session.pause(Duration.ofMillis(Math.max(50, pollMillis)));
        verification = api.get(Service.HEALTH, "/api/v1/verifications/" + Query.encode(id));
      }
    }
    if (session.json()) {
      session.printJson(verification);
    } else {
      session.io().out().println(describe(id, backupId, verification));
      if (verification.path("findings").isArray() && !verification.path("findings").isEmpty()) {
        CheckCommand.findings(verification).print(session.io().out(), "  ");
      }
    }
    if (!await) {
      return ExitCodes.OK;
    }
    if (!passed(verification)) {
      session.io().err().println("error: verification " + id + " of " + backupId + " failed");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  private com.fasterxml.jackson.databind.node.ObjectNode request() {
    var request = ApiClient.JSON.createObjectNode().put("backupId", backupId).put("drill", drill);
    if (database != null) {
      request.put("database", database);
    }
    return request;
  }

  private static String verificationId(ApiResponse accepted) {
    for (String field : new String[] {"verificationId", "id"}) {
      String value = accepted.body().path(field).asText(null);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return accepted
        .headers()
        .firstValue("Location")
        .map(location -> location.substring(location.lastIndexOf('/') + 1))
        .filter(s -> !s.isBlank())
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.SERVICE_ERROR,
                    "health-service accepted the verification but named no id"));
  }

  static String status(JsonNode v) {
    return v.path("status").asText("").toUpperCase(Locale.ROOT);
  }

  /** Passed: no failed status, the checksum matched, and a drill (if any) restored every row. */
  static boolean passed(JsonNode v) {
    String status = status(v);
    if (status.contains("FAIL") || status.equals("ERROR") || status.equals("CANCELLED")) {
      return false;
    }
    if (v.path("checksumOk").isBoolean() && !v.path("checksumOk").asBoolean()) {
      return false;
    }
    JsonNode d = v.path("drill");
    if (d.isObject()) {
      return d.path("restored").asBoolean(false) && d.path("rowCountsMatch").asBoolean(false);
    }
    return true;
  }

  static String describe(String id, String backupId, JsonNode v) {
    StringBuilder b =
        new StringBuilder("verification ")
            .append(id)
            .append(" of ")
            .append(backupId)
            .append(": ")
            .append(v.path("status").asText("?"));
    if (v.path("checksumOk").isBoolean()) {
      b.append("; checksum ").append(v.path("checksumOk").asBoolean() ? "ok" : "MISMATCH");
    }
    JsonNode d = v.path("drill");
    if (d.isObject() && !d.path("restored").isBoolean()) {
      b.append("; drill: not done yet");
    } else if (d.isObject()) {
      b.append("; drill: ").append(d.path("restored").asBoolean() ? "restored" : "NOT restored");
      if (d.path("rowCountsMatch").isBoolean()) {
        b.append(", row counts ").append(d.path("rowCountsMatch").asBoolean() ? "match" : "DIFFER");
      }
      if (d.path("durationMillis").isNumber()) {
        b.append(" (")
            .append(Units.duration(Duration.ofMillis(d.path("durationMillis").asLong())))
            .append(')');
      }
      if (d.path("checkStatus").isTextual()) {
        b.append(", the copy checks ").append(d.path("checkStatus").asText());
      }
    }
    String reason = v.path("reason").asText(v.path("failureReason").asText(null));
    if (reason != null) {
      b.append("; ").append(reason);
    }
    return b.toString();
  }
}
