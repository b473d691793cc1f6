package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.testsupport.Tokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * check, verify, status and events against the real health-service and audit-service jars, beside
 * backup-service and restore-service: the story of one database, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthAndAuditIT {
  private static final String DB = "billing";
  private static RunningServices services;
  private static String responder;
  private static String backupId;

  @BeforeAll
  static void start() {
    services = RunningServices.shared().start("health-service").start("audit-service");
    responder = Tokens.forRoles("rita", "lifeboat-responder");
    Shop.create(services.pg, DB);
    var backup = services.cli(responder).run("backup", DB, "--wait", "--quiet");
    assertEquals(0, backup.exitCode(), backup.toString());
    backupId = backup.out().strip();
  }

  private static CliRun cli() {
    return services.cli(responder);
  }

  /** Runs the CLI until its result satisfies the condition (events arrive asynchronously). */
  private static CliRun.Result eventually(Predicate<CliRun.Result> done, String... args) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    CliRun.Result result;
    do {
      result = cli().run(args);
      if (done.test(result)) {
        return result;
      }
      Session.pause(Duration.ofMillis(500));
    } while (System.nanoTime() < deadline);
    return result;
  }

  @Test
  @Order(1)
  void aCheckOfTheUntouchedDatabaseIsNotUnhealthy() {
    var result = cli().run("check", DB, "--baseline", backupId);

    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(
        result
            .out()
            .matches(
                "(?s)check ck_\\S+ of billing: (HEALTHY|DEGRADED) \\(baseline "
                    + backupId
                    + "\\)\n.*"),
        result.out());
  }

  @Test
  @Order(2)
  void aDrillRestoresTheBackupAndCountsItsRows() throws Exception {
    var result = cli().run("verify", backupId, "--drill", "--wait");

    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(
        result
            .out()
            .contains(
                " of " + backupId + ": PASSED; checksum ok; drill: restored, row counts match"),
        result.out());

    var json = cli().run("verify", backupId, "--wait", "--json");
    assertEquals(0, json.exitCode(), json.toString());
    JsonNode verification = ApiClient.JSON.readTree(json.out());
    assertEquals("PASSED", verification.path("status").asText());
    assertTrue(verification.path("checksumOk").asBoolean());
  }

  @Test
  @Order(3)
  void statusShowsTheVerifiedBackupAndTheHealth() {
    var result = eventually(r -> r.out().contains(" yes "), "status", "--database", DB);

    assertEquals(0, result.exitCode(), result.toString());
    String row = result.out().lines().filter(l -> l.startsWith(DB + " ")).findFirst().orElseThrow();
    assertTrue(row.contains(backupId), row);
    assertTrue(row.matches(".* yes +(HEALTHY|DEGRADED) +.+ ago"), row);
  }

  @Test
  @Order(4)
  void afterABadMigrationTheCheckIsUnhealthyAndSoIsTheStatus() {
    Shop.badMigration(services.pg, DB);

    var check = cli().run("check", DB, "--baseline", backupId);

    assertEquals(ExitCodes.FAILED, check.exitCode(), check.toString());
    assertTrue(check.out().contains(": UNHEALTHY (baseline " + backupId + ")"), check.out());
    assertTrue(
        check.out().lines().anyMatch(l -> l.matches("  CRITICAL +row-counts +public\\.orders +.*")),
        check.out());

    var status = cli().run("status", "--database", DB);
    assertEquals(ExitCodes.FAILED, status.exitCode(), status.toString());
    assertTrue(status.out().contains("! billing: the latest check ck_"), status.out());
    assertTrue(status.out().contains(" is UNHEALTHY"), status.out());
  }

  @Test
  @Order(5)
  void theAuditLogTellsTheStory() throws Exception {
    var result =
        eventually(
            r -> r.out().contains("health.checked"), "events", "--database", DB, "--limit", "500");

    assertEquals(0, result.exitCode(), result.toString());
    List<String> types = result.out().lines().map(l -> l.substring(22).split(" +")[0]).toList();
    assertTrue(
        types.indexOf("backup.requested") < types.indexOf("backup.completed"), types.toString());
    assertTrue(types.contains("backup.verified"), types.toString());
    assertTrue(types.contains("health.checked"), types.toString());
    String completed =
        result.out().lines().filter(l -> l.contains("backup.completed")).findFirst().orElseThrow();
    assertTrue(completed.contains(backupId), completed);

    var json = cli().run("events", "--database", DB, "--type", "backup.completed", "--json");
    assertEquals(0, json.exitCode(), json.toString());
    List<String> lines = json.out().lines().toList();
    assertEquals(1, lines.size(), json.out());
    JsonNode entry = ApiClient.JSON.readTree(lines.get(0));
    assertEquals(backupId, entry.path("event").path("data").path("backupId").asText());
  }

  @Test
  @Order(6)
  void followPrintsNewEventsAsTheyHappen() throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of("..", "bin", "lifeboat").toAbsolutePath().normalize().toString(),
            "events",
            "--follow",
            "--since",
            "now",
            "--database",
            DB);
    builder.environment().putAll(services.env(responder));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process follow = builder.start();
    try {
      LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
      LinkedBlockingQueue<String> err = new LinkedBlockingQueue<>();
      pump(follow.getInputStream(), out);
      pump(follow.getErrorStream(), err);
      String connected = err.poll(60, TimeUnit.SECONDS);
      assertEquals("(following new events; Ctrl-C to stop)", connected);

      var backup = cli().run("backup", DB, "--wait", "--quiet");
      assertEquals(0, backup.exitCode(), backup.toString());
      String newBackup = backup.out().strip();

      List<String> seen = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (seen.stream().noneMatch(l -> l.contains("backup.completed"))
          && System.nanoTime() < deadline) {
        String line = out.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          seen.add(line);
        }
      }
      assertTrue(
          seen.stream().anyMatch(l -> l.contains("backup.completed") && l.contains(newBackup)),
          seen.toString());
      assertTrue(seen.stream().noneMatch(l -> l.contains(backupId)), "nothing from before 'now'");
      assertTrue(follow.isAlive(), "--follow keeps following");
    } finally {
      follow.destroy();
      follow.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void pump(java.io.InputStream in, LinkedBlockingQueue<String> lines) {
    CompletableFuture.runAsync(
        () -> {
          try (BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
              lines.add(line);
            }
          } catch (java.io.IOException e) {
            // The process ended.
          }
        });
  }
}
