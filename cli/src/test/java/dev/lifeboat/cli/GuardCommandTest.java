package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.cli.ContractStub.Answer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code lifeboat migration} and {@code lifeboat guard} against canned answers of the contract. */
class GuardCommandTest {
  private static final String BACKUP = "bk_20260102T150000Z_0000000a";
  private final ContractStub stub = new ContractStub();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void answers() {
    stub.on(
        "POST /api/v1/backups",
        Answer.json(202, "{\"backupId\":\"" + BACKUP + "\",\"status\":\"REQUESTED\"}"));
    stub.on("GET /api/v1/backups", Answer.json(200, "[]"));
    backupEnds("COMPLETED");
    stub.on(
        "POST /api/v1/migration-facts",
        Answer.json(
            202,
            "{\"eventId\":\"e1\",\"type\":\"dev.lifeboat.migration.applied\",\"correlationId\":\"c\"}"));
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private void backupEnds(String status) {
    stub.on(
        "GET /api/v1/backups/" + BACKUP,
        Answer.json(
            200,
            "{\"backupId\":\""
                + BACKUP
                + "\",\"database\":\"app\",\"status\":\""
                + status
                + "\",\"failureReason\":\"disk full\"}"));
  }

  private void checkSays(String status, String findings) {
    stub.on(
        "GET /api/v1/checks",
        List.of(
            Answer.json(200, "[]"),
            Answer.json(
                200,
                "[{\"checkId\":\"ck_20260102T150100Z_00000001\",\"database\":\"app\",\"status\":\""
                    + status
                    + "\",\"baselineBackupId\":\""
                    + BACKUP
                    + "\",\"findings\":["
                    + findings
                    + "]}]")));
  }

  private CliRun cli() {
    return new CliRun()
        .env("LIFEBOAT_BACKUP_URL", stub.url())
        .env("LIFEBOAT_HEALTH_URL", stub.url())
        .env("LIFEBOAT_TOKEN", "t");
  }

  private List<JsonNode> facts() throws Exception {
    var facts =
        stub.requests().stream()
            .filter(r -> r.uri().equals("/api/v1/migration-facts"))
            .map(ContractStub.Request::body)
            .toList();
    var nodes = new java.util.ArrayList<JsonNode>();
    for (String body : facts) {
      nodes.add(json.readTree(body));
    }
    return nodes;
  }

  @Test
  void aHealthyMigrationIsBackedUpReportedAndChecked() throws Exception {
    checkSays("HEALTHY", "");

    var result =
        cli()
            .run(
                "guard",
                "app",
                "--migration",
                "042_add_index",
                "--correlation-id",
                "deploy-7",
                "--poll-interval=50",
                "--",
                "sh",
                "-c",
                "echo migrating; echo to-stderr >&2");

    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(result.out().contains("migrating\nto-stderr\n"), result.out());
    assertTrue(result.out().contains(": HEALTHY (baseline " + BACKUP + ")"), result.out());
    List<JsonNode> facts = facts();
    assertEquals(
        List.of("started", "applied"), facts.stream().map(f -> f.path("fact").asText()).toList());
    for (JsonNode fact : facts) {
      assertEquals("app", fact.path("database").asText());
      assertEquals("042_add_index", fact.path("migration").asText());
      assertEquals(BACKUP, fact.path("backupId").asText());
      assertEquals("deploy-7", fact.path("correlationId").asText());
    }
    assertEquals(0, facts.get(1).path("exitCode").asInt(-1));
    JsonNode backup =
        json.readTree(
            stub.requests().stream()
                .filter(r -> r.method().equals("POST") && r.uri().equals("/api/v1/backups"))
                .findFirst()
                .orElseThrow()
                .body());
    assertEquals("042_add_index", backup.path("migration").asText());
    assertTrue(
        stub.requests().stream()
            .anyMatch(r -> r.uri().contains("/api/v1/checks?") && r.uri().contains("deploy-7")),
        stub.requests().toString());
  }

  @Test
  void aFailedCommandIsReportedWithItsExitCodeAndTheRestoreCommand() throws Exception {
    var result =
        cli()
            .run(
                "guard",
                "app",
                "--migration",
                "043_bad",
                "--",
                "sh",
                "-c",
                "echo half done; exit 3");

    assertEquals(ExitCodes.MIGRATION_FAILED, result.exitCode(), result.toString());
    assertTrue(result.out().contains("half done"), result.out());
    assertTrue(result.err().contains("the migration command exited 3"), result.err());
    assertTrue(result.err().contains("bin/lifeboat restore " + BACKUP), result.err());
    List<JsonNode> facts = facts();
    assertEquals(
        List.of("started", "failed"), facts.stream().map(f -> f.path("fact").asText()).toList());
    assertEquals(3, facts.get(1).path("exitCode").asInt());
    assertTrue(stub.requests().stream().noneMatch(r -> r.uri().startsWith("/api/v1/checks")));
  }

  @Test
  void anUnhealthyCheckExitsTenWithOneJsonResult() throws Exception {
    checkSays(
        "UNHEALTHY",
        "{\"check\":\"row-counts\",\"severity\":\"CRITICAL\",\"table\":\"public.orders\","
            + "\"message\":\"public.orders lost 400 of 1000 row(s)\"}");

    var result =
        cli()
            .run(
                "--json",
                "guard",
                "app",
                "--migration",
                "044_drop",
                "--poll-interval=50",
                "--",
                "sh",
                "-c",
                "echo noisy");

    assertEquals(ExitCodes.CHECK_FAILED, result.exitCode(), result.toString());
    JsonNode out = json.readTree(result.out());
    assertEquals("CHECK_FAILED", out.path("outcome").asText());
    assertEquals(BACKUP, out.path("backupId").asText());
    assertEquals(0, out.path("commandExitCode").asInt(-1));
    assertEquals("UNHEALTHY", out.path("check").path("status").asText());
    assertEquals("bin/lifeboat restore " + BACKUP, out.path("restoreCommand").asText());
    assertTrue(result.err().contains("noisy"), result.err());
    assertTrue(result.err().contains("bin/lifeboat restore " + BACKUP), result.err());
  }

  @Test
  void whenTheBackupFailsTheCommandIsNotRun() throws Exception {
    backupEnds("FAILED");
    var result = cli().run("guard", "app", "--migration", "045_x", "--", "sh", "-c", "echo ran");

    assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
    assertTrue(result.err().contains("disk full"), result.err());
    assertTrue(!result.out().contains("ran"), result.out());
    assertEquals(List.of(), facts());
  }

  @Test
  void migrationReportsOneFact() throws Exception {
    var result =
        cli()
            .run(
                "migration",
                "Applied",
                "app",
                "046_y",
                "--backup",
                BACKUP,
                "--idempotency-key",
                "run-9");

    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(result.out().startsWith("reported migration.applied of 046_y on app: event e1"));
    JsonNode fact = facts().get(0);
    assertEquals("applied", fact.path("fact").asText());
    assertEquals(BACKUP, fact.path("backupId").asText());
    assertEquals(
        List.of("run-9"),
        stub.requests().stream()
            .filter(r -> r.uri().equals("/api/v1/migration-facts"))
            .findFirst()
            .orElseThrow()
            .headers()
            .get("Idempotency-key"));
    assertEquals(ExitCodes.USAGE, cli().run("migration", "merged", "app", "m").exitCode());
  }
}
