package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.cli.ContractStub.Answer;
import dev.lifeboat.testsupport.Ports;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How check, verify, status, events and restore read the answers the contract describes, and which
 * exit code each outcome gives. The ITs run the same commands against the real services.
 */
class ContractCommandsTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-01-02T15:00:00Z"), ZoneOffset.UTC);
  private final ContractStub stub = new ContractStub();

  @AfterEach
  void stop() {
    stub.close();
  }

  private CliRun cli() {
    return new CliRun()
        .env("LIFEBOAT_BACKUP_URL", stub.url())
        .env("LIFEBOAT_RESTORE_URL", stub.url())
        .env("LIFEBOAT_HEALTH_URL", stub.url())
        .env("LIFEBOAT_AUDIT_URL", stub.url())
        .env("LIFEBOAT_TOKEN", "t")
        .clock(NOW);
  }

  private static String report(String status, String findings) {
    return """
        {"checkId":"ck_20260102T145900Z_00000001","database":"app","status":"%s","trigger":"api",
         "baselineBackupId":"bk_20260102T143022Z_1a2b3c4d","finishedAt":"2026-01-02T14:59:00Z",
         "findings":[%s]}"""
        .formatted(status, findings);
  }

  @Test
  void aCheckPrintsItsFindingsWorstFirstAndItsVerdictChoosesTheExitCode() {
    stub.on(
        "POST /api/v1/checks",
        Answer.json(
            201,
            report(
                "UNHEALTHY",
                """
                {"check":"primary-keys","severity":"INFO","table":"public.log","message":"no primary key"},
                {"check":"row-counts","severity":"CRITICAL","table":"public.orders","message":"lost 50%"}""")));
    var unhealthy = cli().run("check", "app", "--baseline", "bk_20260102T143022Z_1a2b3c4d");
    assertEquals(ExitCodes.FAILED, unhealthy.exitCode(), unhealthy.toString());
    assertEquals(
        """
        check ck_20260102T145900Z_00000001 of app: UNHEALTHY (baseline bk_20260102T143022Z_1a2b3c4d)
          SEVERITY  CHECK         TABLE          MESSAGE
          CRITICAL  row-counts    public.orders  lost 50%
          INFO      primary-keys  public.log     no primary key
        """,
        unhealthy.out());
    assertEquals(
        "{\"database\":\"app\",\"baselineBackupId\":\"bk_20260102T143022Z_1a2b3c4d\"}",
        stub.requests().get(0).body());

    stub.on(
        "POST /api/v1/checks",
        Answer.json(
            201,
            report(
                "DEGRADED",
                "{\"check\":\"sequences\",\"severity\":\"WARNING\",\"message\":\"behind\"}")));
    assertEquals(0, cli().run("check", "app").exitCode());
    assertEquals(ExitCodes.FAILED, cli().run("check", "app", "--fail-on-degraded").exitCode());

    stub.on(
        "POST /api/v1/checks",
        Answer.problem(
            409,
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"a check of app is still running\"}"));
    var busy = cli().run("check", "app");
    assertEquals(ExitCodes.CONFLICT, busy.exitCode());
    assertEquals("error: Conflict: a check of app is still running\n", busy.err());
  }

  @Test
  void aVerificationIsFollowedToItsResult() {
    stub.on(
        "POST /api/v1/verifications",
        new Answer(
            202,
            "application/json",
            """
            {"verificationId":"vf_20260102T150000Z_00000002","backupId":"bk_20260102T143022Z_1a2b3c4d",
             "status":"RUNNING","checksumOk":null,"drill":{"restored":null,"rowCountsMatch":null}}""",
            java.util.Map.of("Location", "/api/v1/verifications/vf_20260102T150000Z_00000002")));
    stub.on(
        "GET /api/v1/verifications/vf_20260102T150000Z_00000002",
        Answer.json(
            200,
            """
            {"verificationId":"vf_20260102T150000Z_00000002","backupId":"bk_20260102T143022Z_1a2b3c4d",
             "status":"FAILED","checksumOk":true,
             "drill":{"restored":true,"rowCountsMatch":false,"durationMillis":83000,"checkStatus":"UNHEALTHY"},
             "findings":[{"check":"drill","severity":"CRITICAL","table":"public.orders","message":"5 rows, the manifest 6"}],
             "reason":"row counts differ"}"""));

    var started = cli().run("verify", "bk_20260102T143022Z_1a2b3c4d");
    assertEquals(0, started.exitCode());
    assertEquals(
        "verification vf_20260102T150000Z_00000002 of bk_20260102T143022Z_1a2b3c4d: RUNNING;"
            + " drill: not done yet\n",
        started.out());

    var failed =
        cli()
            .run(
                "verify",
                "bk_20260102T143022Z_1a2b3c4d",
                "--drill",
                "--wait",
                "--poll-interval=50");
    assertEquals(ExitCodes.FAILED, failed.exitCode(), failed.toString());
    assertTrue(
        failed
            .out()
            .startsWith(
                "verification vf_20260102T150000Z_00000002 of bk_20260102T143022Z_1a2b3c4d: FAILED;"
                    + " checksum ok; drill: restored, row counts DIFFER (1m 23s), the copy checks"
                    + " UNHEALTHY; row counts differ\n"),
        failed.out());
    assertTrue(failed.out().contains("CRITICAL  drill  public.orders  5 rows, the manifest 6"));
    assertEquals(
        "error: verification vf_20260102T150000Z_00000002 of bk_20260102T143022Z_1a2b3c4d failed\n",
        failed.err());
    assertTrue(stub.requests().get(1).body().contains("\"drill\":true"));
  }

  @Test
  void statusComposesBackupsAndChecksPerDatabase() {
    stub.on(
        "GET /api/v1/backups?limit=1000",
        Answer.json(
            200,
            "[{\"backupId\":\"bk_20260102T143022Z_1a2b3c4d\",\"database\":\"app\"},"
                + "{\"backupId\":\"bk_20260101T020000Z_00000003\",\"database\":\"shop\"}]"));
    stub.on(
        "GET /api/v1/backups?database=app&limit=100",
        Answer.json(
            200,
            """
            [{"backupId":"bk_20260102T143022Z_1a2b3c4d","database":"app","status":"COMPLETED",
              "completedAt":"2026-01-02T14:30:40Z","sizeBytes":1572864,"verifiedAt":"2026-01-02T14:40:00Z"}]"""));
    stub.on(
        "GET /api/v1/backups?database=shop&limit=100",
        Answer.json(
            200,
            """
            [{"backupId":"bk_20260102T020000Z_00000004","database":"shop","status":"FAILED",
              "requestedAt":"2026-01-02T02:00:00Z","failureReason":"pg_dump: permission denied"},
             {"backupId":"bk_20260101T020000Z_00000003","database":"shop","status":"COMPLETED",
              "completedAt":"2026-01-01T02:10:00Z","sizeBytes":2147483648}]"""));
    stub.on(
        "GET /api/v1/checks?database=app&limit=1",
        Answer.json(200, "[" + report("HEALTHY", "") + "]"));
    stub.on("GET /api/v1/checks?database=shop&limit=1", Answer.json(200, "[]"));

    var result = cli().run("status");

    assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
    assertEquals(
        """
        DATABASE  LAST BACKUP                       AGE     SIZE  VERIFIED  HEALTH       CHECKED
        app       bk_20260102T143022Z_1a2b3c4d  29m 20s  1.5 MiB  yes       HEALTHY      1m ago
        shop      bk_20260101T020000Z_00000003   1d 12h  2.0 GiB  never     not checked  -
        ! shop: the last completed backup is 1d 12h old (more than 1d 2h)
        ! shop: the newest backup bk_20260102T020000Z_00000004 FAILED 13h ago: pg_dump: permission denied
        """,
        result.out());

    var json = cli().run("status", "--json", "--database", "shop");
    assertEquals(ExitCodes.FAILED, json.exitCode(), json.toString());
    var shop = readJson(json.out()).get(0);
    assertEquals("bk_20260101T020000Z_00000003", shop.path("lastBackup").path("backupId").asText());
    assertEquals(2147483648L, shop.path("lastBackup").path("sizeBytes").asLong());
    assertEquals("not checked", shop.path("health").path("status").asText());
    assertEquals(2, shop.path("attention").size(), shop.toString());

    var healthDown =
        cli()
            .env("LIFEBOAT_HEALTH_URL", "http://127.0.0.1:" + Ports.free())
            .run("status", "--database", "app");
    assertEquals(ExitCodes.UNREACHABLE, healthDown.exitCode(), healthDown.toString());
    assertTrue(healthDown.out().contains(" yes       unknown "), healthDown.out());
    assertTrue(
        healthDown.err().startsWith("warning: cannot reach health-service"), healthDown.err());
  }

  @Test
  void eventsPageThroughTheLogAndKeepTheNewest() {
    StringBuilder first = new StringBuilder("{\"events\":[");
    for (int i = 1; i <= 200; i++) {
      first.append(i == 1 ? "" : ",").append(entry(i));
    }
    first.append("],\"nextCursor\":\"200\"}");
    stub.on("GET /api/v1/events?limit=200", Answer.json(200, first.toString()));
    stub.on(
        "GET /api/v1/events?limit=200&cursor=200",
        Answer.json(200, "{\"events\":[" + entry(201) + "],\"nextCursor\":null}"));

    var result = cli().run("events", "--since", "all", "--limit", "3");

    assertEquals(0, result.exitCode(), result.toString());
    List<String> lines = result.out().lines().toList();
    assertEquals(3, lines.size(), result.out());
    assertTrue(lines.get(0).contains("bk_20260102T143022Z_00000199"), lines.get(0));
    assertTrue(lines.get(2).contains("bk_20260102T143022Z_00000201"), lines.get(2));
    assertEquals("(198 earlier event(s) not shown; see --limit and --since)\n", result.err());

    var typed =
        cli().run("events", "--type", "backup.completed", "--since", "2026-01-02T00:00:00Z");
    assertEquals(ExitCodes.NOT_FOUND, typed.exitCode(), "the stub knows no such query");
    assertEquals(
        "/api/v1/events?type=dev.lifeboat.backup.completed&since=2026-01-02T00%3A00%3A00Z&limit=200",
        stub.requests().get(stub.requests().size() - 1).uri());

    var bad = cli().run("events", "--since", "last tuesday");
    assertEquals(ExitCodes.USAGE, bad.exitCode());
    assertEquals(
        "error: --since 'last tuesday' is neither an age (30m, 24h, 7d) nor an ISO time\n",
        bad.err());
  }

  @Test
  void followResumesAfterADroppedStreamWithTheLastEventId() {
    String first =
        "retry: 10\n: keep-alive\n\nid: 1\ndata: "
            + entry(1).replace("\n", "")
            + "\n\nid: 2\ndata: "
            + entry(2).replace("\n", "")
            + "\n\n";
    String second = "id: 3\ndata: " + entry(3).replace("\n", "") + "\n\n";
    stub.on(
        "GET /api/v1/events/stream",
        List.of(
            new Answer(200, "text/event-stream", first, java.util.Map.of()),
            new Answer(200, "text/event-stream", second, java.util.Map.of()),
            Answer.problem(401, "{\"title\":\"Unauthorized\",\"status\":401}")));

    var result = cli().run("events", "--follow", "--since", "now");

    // The third connection is refused: the only way the stub can end a --follow.
    assertEquals(ExitCodes.AUTH, result.exitCode(), result.toString());
    List<String> lines = result.out().lines().toList();
    assertEquals(3, lines.size(), result.out());
    assertTrue(lines.get(2).contains("bk_20260102T143022Z_00000003"), lines.get(2));
    List<ContractStub.Request> connections = stub.requests();
    assertEquals(null, connections.get(0).headers().get("Last-event-id"));
    assertEquals(List.of("2"), connections.get(1).headers().get("Last-event-id"));
    assertEquals(List.of("3"), connections.get(2).headers().get("Last-event-id"));
    assertTrue(
        result
            .err()
            .startsWith(
                "(following new events; Ctrl-C to stop)\n"
                    + "(the event stream ended; reconnecting)\n"),
        result.err());
  }

  private static com.fasterxml.jackson.databind.JsonNode readJson(String text) {
    try {
      return dev.lifeboat.cli.api.ApiClient.JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String entry(int seq) {
    return """
        {"auditseq":%d,"kind":"EVENT","type":"dev.lifeboat.backup.completed","database":"app",
         "time":"2026-01-02T14:30:40Z","event":{"id":"e%d","type":"dev.lifeboat.backup.completed",
         "subject":"app","data":{"backupId":"bk_20260102T143022Z_%08d","database":"app"}}}"""
        .formatted(seq, seq, seq);
  }

  private static String backup(String status, String progress) {
    return """
        {"backupId":"bk_20260102T150000Z_0000000a","database":"app","status":"%s",
         "dumpBytes":104857600,"sizeBytes":26214400,"compression":"zstd","sha256":"ab","tables":[]%s}"""
        .formatted(status, progress == null ? "" : ",\"progress\":" + progress);
  }

  @Test
  void onATerminalBackupWaitDrawsABarAgainstThePreviousBackupsSize() {
    stub.on(
        "POST /api/v1/backups",
        Answer.json(
            202, "{\"backupId\":\"bk_20260102T150000Z_0000000a\",\"status\":\"REQUESTED\"}"));
    stub.on(
        "GET /api/v1/backups?database=app&limit=10",
        Answer.json(
            200,
            "[{\"backupId\":\"bk_20260101T020000Z_00000003\",\"status\":\"COMPLETED\","
                + "\"dumpBytes\":209715200}]"));
    stub.on(
        "GET /api/v1/backups/bk_20260102T150000Z_0000000a",
        List.of(
            Answer.json(
                200,
                backup(
                    "RUNNING",
                    "{\"bytesDumped\":104857600,\"bytesStored\":20971520,\"bytesPerSecond\":43200000}")),
            Answer.json(200, backup("COMPLETED", null))));

    var result = cli().terminal(true).run("backup", "app", "--wait", "--poll-interval=50");

    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(
        result
            .err()
            .startsWith(
                "\rbk_20260102T150000Z_0000000a  [============>           ]  50%  100 MiB dumped"
                    + "  20.0 MiB stored  41.2 MiB/s  0s"),
        result.err());
    assertTrue(
        result
            .err()
            .replaceAll(" +\n", "\n") // spaces over what the longer line before left
            .endsWith(
                "\rbk_20260102T150000Z_0000000a  [========================] 100%  100 MiB dumped"
                    + "  25.0 MiB stored  COMPLETED  0s\n"),
        result.err());
    assertTrue(result.out().startsWith("backup bk_20260102T150000Z_0000000a of app: COMPLETED"));
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIsUnreachable() {
    stub.on("GET /api/v1/backups", Answer.json(200, "[]").delayed(3000));
    var result = cli().run("backups", "--timeout", "1");
    assertEquals(ExitCodes.UNREACHABLE, result.exitCode(), result.toString());
    assertEquals(
        "error: backup-service at " + stub.url() + " did not answer within 1 s (--timeout)\n",
        result.err());
  }

  @Test
  void aRestoreConfirmedWithYesThatFailsExitsOneWithItsStepAndReason() {
    stub.on(
        "POST /api/v1/restores",
        Answer.json(
            201,
            Samples.PLAN.replace(
                "\"mode\":\"SWAP\"", "\"mode\":\"TABLES\",\"tables\":[\"public.orders\"]")));
    stub.on(
        "POST /api/v1/restores/rs_20260102T151201Z_9f3a2c11/confirm",
        Answer.json(
            202, "{\"restoreId\":\"rs_20260102T151201Z_9f3a2c11\",\"status\":\"CONFIRMED\"}"));
    stub.on(
        "GET /api/v1/restores/rs_20260102T151201Z_9f3a2c11",
        Answer.json(
            200,
            """
            {"restoreId":"rs_20260102T151201Z_9f3a2c11","status":"FAILED","database":"app",
             "backupId":"bk_20260102T143022Z_1a2b3c4d","mode":"TABLES","safetyBackupId":"bk_20260102T151210Z_5afe5afe",
             "steps":[{"name":"verify-checksum","state":"DONE"},{"name":"safety-backup","state":"DONE"},
                      {"name":"restore-tables","state":"DONE"},{"name":"verify-rows","state":"DONE"},
                      {"name":"swap-tables","state":"FAILED"}],
             "finishedReason":"foreign key payments_order_id_fkey no longer holds; the tables are as they were"}"""));

    var result =
        cli()
            .run(
                "restore",
                "bk_20260102T143022Z_1a2b3c4d",
                "--database",
                "app",
                "--table",
                "public.orders",
                "--yes");

    assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
    assertEquals(
        "{\"backupId\":\"bk_20260102T143022Z_1a2b3c4d\",\"database\":\"app\",\"mode\":\"TABLES\","
            + "\"tables\":[\"public.orders\"]}",
        stub.requests().get(0).body());
    assertEquals(
        "{\"confirmationCode\":\"K7QM-3XPA\"}",
        stub.requests().get(1).body(),
        "--yes sends the code");
    assertTrue(result.out().contains("  tables         public.orders\n"), result.out());
    assertTrue(
        result
            .out()
            .endsWith(
                "restore rs_20260102T151201Z_9f3a2c11 of app: FAILED (safety backup"
                    + " bk_20260102T151210Z_5afe5afe)\n"),
        result.out());
    assertTrue(result.err().contains("  [FAILED]    swap-tables\n"), result.err());
    assertTrue(
        result
            .err()
            .endsWith(
                "error: restore rs_20260102T151201Z_9f3a2c11 failed at step swap-tables: foreign key"
                    + " payments_order_id_fkey no longer holds; the tables are as they were\n"),
        result.err());
  }

  @Test
  void aRestoreCarriesItsReasonAndTicket() {
    cli()
        .run(
            "restore",
            "bk_20260102T143022Z_1a2b3c4d",
            "--database",
            "app",
            "--reason",
            "orders lost",
            "--ticket",
            "INC-4711",
            "--plan-only");
    var sent =
        stub.requests().stream()
            .filter(r -> r.method().equals("POST") && r.uri().startsWith("/api/v1/restores"))
            .findFirst()
            .orElseThrow();
    assertTrue(sent.body().contains("\"reason\":\"orders lost\""), sent.body());
    assertTrue(sent.body().contains("\"ticket\":\"INC-4711\""), sent.body());
  }
}
