package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.cli.ContractStub.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Options, environment, usage errors and how error answers become one line and an exit code. */
class CommandLineTest {
  static final String BACKUPS =
      """
      [{"backupId":"bk_20260102T143022Z_1a2b3c4d","database":"app","status":"COMPLETED",
        "requestedAt":"2026-01-02T14:30:21Z","createdAt":"2026-01-02T14:30:22Z",
        "completedAt":"2026-01-02T14:30:40Z","sizeBytes":1572864,"dumpBytes":6291456,
        "tables":[{"schema":"public","name":"orders","rows":10388,"bytes":1},
                  {"schema":"public","name":"users","rows":100,"bytes":1}],
        "migration":"20260103_add_escrow_status","pinned":true,"verifiedAt":"2026-01-02T15:00:00Z"},
       {"backupId":"bk_20260102T120000Z_0badf00d","database":"app","status":"FAILED",
        "requestedAt":"2026-01-02T12:00:00Z","reason":"nightly","pinned":false,
        "failureReason":"pg_dump: connection refused"}]""";

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
        .env("LIFEBOAT_TOKEN", "env-token");
  }

  private String authorization() {
    return stub.requests().get(stub.requests().size() - 1).headers().get("Authorization").get(0);
  }

  @Test
  void backupsAreATableWithSizesRowsAndFlags() {
    stub.on("GET /api/v1/backups?database=app&limit=20", Answer.json(200, BACKUPS));
    var result =
        cli()
            .clock(Clock.fixed(Instant.parse("2026-01-02T15:11:22Z"), ZoneOffset.UTC))
            .run("backups", "app");
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(
        """
        BACKUP                        STATUS     TAKEN                    AGE     SIZE    ROWS  VERIFIED  PINNED  MIGRATION/REASON
        bk_20260102T143022Z_1a2b3c4d  COMPLETED  2026-01-02 14:30:22Z     41m  1.5 MiB  10,488  yes       pinned  20260103_add_escrow_status
        bk_20260102T120000Z_0badf00d  FAILED     2026-01-02 12:00:00Z  3h 11m        -       -  -                 nightly
        """,
        result.out());
    assertEquals("Bearer env-token", authorization());
  }

  @Test
  void globalOptionsGoBeforeOrAfterTheCommandAndWinOverTheEnvironment() {
    stub.on("GET /api/v1/backups?database=app&limit=5", Answer.json(200, BACKUPS));
    var after =
        new CliRun()
            .run(
                "backups", "app", "-n", "5", "--json", "--backup-url", stub.url(), "--token", "t1");
    assertEquals(0, after.exitCode(), after.toString());
    assertTrue(
        after.out().startsWith("[ {\n  \"backupId\" : \"bk_20260102T143022Z_1a2b3c4d\""),
        after.out());
    assertEquals("Bearer t1", authorization());

    var before = cli().run("--token", "t2", "--json", "backups", "--limit=5", "app");
    assertEquals(0, before.exitCode(), before.toString());
    assertEquals("Bearer t2", authorization());
  }

  @Test
  void theTokenMayComeFromAFile(@TempDir Path dir) throws Exception {
    stub.on("GET /api/v1/backups?limit=20", Answer.json(200, "[]"));
    Path file = dir.resolve("token");
    Files.writeString(file, "file-token\n");
    var result =
        new CliRun()
            .env("LIFEBOAT_BACKUP_URL", stub.url())
            .env("LIFEBOAT_TOKEN_FILE", file.toString())
            .run("backups");
    assertEquals(0, result.exitCode(), result.toString());
    assertEquals("no backups\n", result.out());
    assertEquals("Bearer file-token", authorization());

    var missing =
        new CliRun()
            .env("LIFEBOAT_BACKUP_URL", stub.url())
            .run("backups", "--token-file", dir.resolve("nothing").toString());
    assertEquals(ExitCodes.AUTH, missing.exitCode(), missing.toString());
  }

  @Test
  void withoutATokenNothingIsSentAndTheExitCodeIsFour() {
    var result = new CliRun().env("LIFEBOAT_BACKUP_URL", stub.url()).run("backups", "app");
    assertEquals(ExitCodes.AUTH, result.exitCode());
    assertEquals(
        "error: no token: set LIFEBOAT_TOKEN, or pass --token or --token-file (local stack:"
            + " export LIFEBOAT_TOKEN=$(bin/stack token --role lifeboat-responder))\n",
        result.err());
    assertEquals(List.of(), stub.requests());
  }

  @Test
  void aProblemIsOneErrorLineAndItsStatusChoosesTheExitCode() {
    stub.on(
        "POST /api/v1/backups",
        Answer.problem(
            400,
            """
            {"type":"about:blank","title":"Bad Request","status":400,
             "detail":"unknown database: nosuch","instance":"/api/v1/backups"}"""));
    var bad = cli().run("backup", "nosuch");
    assertEquals(ExitCodes.USAGE, bad.exitCode());
    assertEquals("error: Bad Request: unknown database: nosuch\n", bad.err());
    assertEquals("", bad.out());

    stub.on("GET /api/v1/backups", Answer.problem(403, "{\"title\":\"Forbidden\",\"status\":403}"));
    var forbidden = cli().run("backups");
    assertEquals(ExitCodes.AUTH, forbidden.exitCode());
    assertEquals("error: Forbidden: the token's roles do not allow this\n", forbidden.err());

    stub.on(
        "POST /api/v1/restores/rs_20260102T151201Z_9f3a2c11/cancel",
        Answer.problem(
            409,
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"restore rs_20260102T151201Z_9f3a2c11"
                + " is RUNNING and can no longer be cancelled\"}"));
    var conflict = cli().run("restore", "rs_20260102T151201Z_9f3a2c11", "--cancel");
    assertEquals(ExitCodes.CONFLICT, conflict.exitCode());
    assertEquals(
        "error: Conflict: restore rs_20260102T151201Z_9f3a2c11 is RUNNING and can no longer be"
            + " cancelled\n",
        conflict.err());

    var missing = cli().run("restore", "rs_20260102T151201Z_00000000");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode());
    assertTrue(missing.err().startsWith("error: Not Found: "), missing.err());

    stub.on(
        "GET /api/v1/backups",
        Answer.problem(
            500,
            "{\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"error id 7f3a\"}"));
    var broken = cli().run("backups");
    assertEquals(ExitCodes.SERVICE_ERROR, broken.exitCode());
    assertEquals("error: Internal Server Error: error id 7f3a\n", broken.err());

    stub.on(
        "GET /api/v1/backups", new Answer(503, "text/html", "<h1>down</h1>", java.util.Map.of()));
    var down = cli().run("backups");
    assertEquals(ExitCodes.UNREACHABLE, down.exitCode());
    assertEquals("error: Service Unavailable: HTTP 503: <h1>down</h1>\n", down.err());
  }

  @Test
  void anUnreachableServiceSaysWhereItWasLookedFor() {
    String nowhere = "http://127.0.0.1:" + dev.lifeboat.testsupport.Ports.free();
    var result = cli().env("LIFEBOAT_BACKUP_URL", nowhere).run("backups");
    assertEquals(ExitCodes.UNREACHABLE, result.exitCode());
    assertEquals(
        "error: cannot reach backup-service at "
            + nowhere
            + " (connection refused); is it running? Set LIFEBOAT_BACKUP_URL or --backup-url to"
            + " its URL\n",
        result.err());
  }

  @Test
  void usageErrorsExitTwoWithOneErrorLineAndTheSynopsis() {
    var missing = cli().run("backup");
    assertEquals(ExitCodes.USAGE, missing.exitCode());
    assertEquals(
        "error: Missing required parameter: '<db>'\n"
            + "usage: lifeboat backup [OPTIONS] <db>\n"
            + "Run 'lifeboat help backup' for the full description.\n",
        missing.err());

    var typo = cli().run("backpus");
    assertEquals(ExitCodes.USAGE, typo.exitCode());
    assertTrue(typo.err().contains("did you mean: backup, backups?"), typo.err());

    var mode = cli().run("restore", "bk_20260102T143022Z_1a2b3c4d", "--mode", "SIDEWAYS");
    assertEquals(ExitCodes.USAGE, mode.exitCode());
    assertTrue(mode.err().startsWith("error: Invalid value for option '--mode'"), mode.err());

    var noTarget = cli().run("restore", "bk_20260102T143022Z_1a2b3c4d", "--mode", "new_database");
    assertEquals(ExitCodes.USAGE, noTarget.exitCode());
    assertEquals("error: --mode NEW_DATABASE needs --new-database NAME\n", noTarget.err());

    var early = cli().run("restore", "bk_20260102T143022Z_1a2b3c4d", "--confirm", "K7QM-3XPA");
    assertEquals(ExitCodes.USAGE, early.exitCode());
    assertTrue(early.err().startsWith("error: --confirm takes a restore id"), early.err());

    var neither = cli().run("restore", "app");
    assertEquals(ExitCodes.USAGE, neither.exitCode());
    assertEquals(
        "error: 'app' is neither a backup id (bk_...) nor a restore id (rs_...)\n", neither.err());

    var url = cli().env("LIFEBOAT_BACKUP_URL", "localhost:8081").run("backups");
    assertEquals(ExitCodes.USAGE, url.exitCode());
    assertTrue(url.err().contains("is not an http(s) URL"), url.err());
    assertEquals(List.of(), stub.requests(), "no usage error sent anything");
  }

  @Test
  void helpAndVersion() {
    var help = cli().run("help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("Exit codes:"), help.out());
    assertTrue(
        help.out()
            .lines()
            .anyMatch(
                l -> l.matches("  restore +Plan, confirm and follow a restore \\(rollback\\).")),
        help.out());
    var restoreHelp = cli().run("help", "restore");
    assertTrue(restoreHelp.out().contains("--[no-]safety-backup"), restoreHelp.out());
    var bare = cli().run();
    assertEquals(ExitCodes.USAGE, bare.exitCode());
    assertTrue(bare.err().startsWith("Usage: lifeboat [OPTIONS] COMMAND [ARGS]"), bare.err());
    assertEquals(0, cli().run("--version").exitCode());
  }

  @Test
  void everyCommandPrintsItsUsageForHelp() {
    for (String command :
        List.of(
            "backup",
            "backups",
            "pin",
            "unpin",
            "delete",
            "restore",
            "check",
            "monitor",
            "verify",
            "status",
            "events",
            "migration",
            "guard")) {
      for (String flag : List.of("--help", "-h")) {
        var help = cli().run(command, flag);
        assertEquals(0, help.exitCode(), command + " " + flag + ": " + help.err());
        assertTrue(help.out().contains("Usage: lifeboat " + command), command + ": " + help.out());
        assertEquals("", help.err(), command);
      }
    }
    var restore = cli().run("restore", "--help");
    assertTrue(restore.out().contains("--[no-]safety-backup"), restore.out());
    assertEquals(List.of(), stub.requests(), "help sent nothing");
  }
}
