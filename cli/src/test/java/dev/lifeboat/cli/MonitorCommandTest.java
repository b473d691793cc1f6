package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.cli.ContractStub.Answer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code monitor}: one line per check, --count, --fail-fast, and the exit codes. */
class MonitorCommandTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-01-02T15:00:00Z"), ZoneOffset.UTC);
  private final ContractStub stub = new ContractStub();

  @AfterEach
  void stop() {
    stub.close();
  }

  private CliRun cli() {
    return new CliRun()
        .env("LIFEBOAT_HEALTH_URL", stub.url())
        .env("LIFEBOAT_TOKEN", "t")
        .clock(NOW);
  }

  private static Answer report(String id, String status, String findings) {
    return Answer.json(
        201,
        """
        {"checkId":"%s","database":"app","status":"%s","findings":[%s]}"""
            .formatted(id, status, findings));
  }

  private static final String LOST =
      """
      {"check":"row-counts","severity":"CRITICAL","table":"public.orders","message":"lost 50%"}""";

  @Test
  void countTwoRunsTwoChecksAndPrintsALineForEach() {
    stub.on(
        "POST /api/v1/checks",
        List.of(
            report("ck_20260102T150000Z_00000001", "HEALTHY", ""),
            report(
                "ck_20260102T150001Z_00000002",
                "DEGRADED",
                "{\"check\":\"sequences\",\"severity\":\"WARNING\",\"message\":\"behind\"}")));
    var result = cli().run("monitor", "app", "--count", "2", "--interval", "1s");
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(
        """
        2026-01-02 15:00:00Z  HEALTHY      0 findings  ck_20260102T150000Z_00000001
        2026-01-02 15:00:00Z  DEGRADED     1 finding   ck_20260102T150001Z_00000002
        """,
        result.out());
    assertEquals("monitoring app every 1s, 2 checks\n", result.err());
    assertEquals(2, stub.requests().size());
    assertEquals("{\"database\":\"app\"}", stub.requests().get(0).body());
  }

  @Test
  void failFastStopsAtTheFirstUnhealthyCheckWithItsFindings() {
    stub.on("POST /api/v1/checks", report("ck_20260102T150000Z_00000001", "UNHEALTHY", LOST));
    var result =
        cli()
            .run(
                "monitor",
                "app",
                "--fail-fast",
                "--baseline",
                "bk_20260102T143022Z_1a2b3c4d",
                "--interval",
                "1h");
    assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
    assertEquals(
        """
        2026-01-02 15:00:00Z  UNHEALTHY    1 finding   ck_20260102T150000Z_00000001
          SEVERITY  CHECK       TABLE          MESSAGE
          CRITICAL  row-counts  public.orders  lost 50%
        """,
        result.out());
    assertTrue(
        result
            .err()
            .endsWith(
                "error: check ck_20260102T150000Z_00000001 of app is UNHEALTHY; stopped"
                    + " (--fail-fast)\n"),
        result.err());
    assertEquals(1, stub.requests().size());
    assertEquals(
        "{\"database\":\"app\",\"baselineBackupId\":\"bk_20260102T143022Z_1a2b3c4d\"}",
        stub.requests().get(0).body());
  }

  @Test
  void withoutFailFastAnUnhealthyCheckStillEndsInExitOne() {
    stub.on("POST /api/v1/checks", report("ck_20260102T150000Z_00000001", "UNHEALTHY", LOST));
    var result = cli().run("monitor", "app", "--count", "1", "--json");
    assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
    assertTrue(
        result.out().startsWith("{\"checkId\":\"ck_20260102T150000Z_00000001\""), result.out());
    assertEquals(1, result.out().lines().count(), "one JSON line per check");
    assertTrue(result.err().endsWith("error: 1 of 1 check of app UNHEALTHY\n"), result.err());
  }

  @Test
  void theFirstCheckFailingEndsTheMonitor() {
    stub.on(
        "POST /api/v1/checks",
        Answer.problem(
            400, "{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"unknown database: x\"}"));
    var result = cli().run("monitor", "x", "--count", "3", "--interval", "1s");
    assertEquals(ExitCodes.USAGE, result.exitCode(), result.toString());
    assertEquals(1, stub.requests().size());
  }

  @Test
  void intervalsAreSecondsMinutesOrHours() {
    for (String wrong : List.of("0", "soon", "500ms", "-5m")) {
      var result = cli().run("monitor", "app", "--interval", wrong);
      assertEquals(ExitCodes.USAGE, result.exitCode(), wrong + ": " + result);
      assertTrue(
          result.err().startsWith("error: Invalid value for option '--interval'"), result.err());
    }
    var count = cli().run("monitor", "app", "--count", "0");
    assertEquals(ExitCodes.USAGE, count.exitCode(), count.toString());
    assertEquals(List.of(), stub.requests());
  }
}
