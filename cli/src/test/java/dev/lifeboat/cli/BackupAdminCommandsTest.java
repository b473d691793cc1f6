package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.cli.ContractStub.Answer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code pin}, {@code unpin} and {@code delete}: their answers, confirmation and exit codes. */
class BackupAdminCommandsTest {
  private static final String ID = "bk_20260102T143022Z_1a2b3c4d";
  private static final String PATH = "/api/v1/backups/" + ID;

  private final ContractStub stub = new ContractStub();

  @AfterEach
  void stop() {
    stub.close();
  }

  private CliRun cli() {
    return new CliRun().env("LIFEBOAT_BACKUP_URL", stub.url()).env("LIFEBOAT_TOKEN", "t");
  }

  private static String backup(boolean pinned) {
    return """
        {"backupId":"%s","database":"app","status":"COMPLETED",
         "requestedAt":"2026-01-02T14:30:21Z","createdAt":"2026-01-02T14:30:22Z",
         "completedAt":"2026-01-02T14:30:40Z","sizeBytes":1572864,
         "migration":"20260103_add_escrow_status","pinned":%s}"""
        .formatted(ID, pinned);
  }

  private List<String> sent() {
    return stub.requests().stream().map(r -> r.method() + " " + r.uri()).toList();
  }

  @Test
  void pinAndUnpinPrintTheNewState() {
    stub.on("PUT " + PATH + "/pin", Answer.json(200, backup(true)));
    stub.on("DELETE " + PATH + "/pin", Answer.json(200, backup(false)));

    var pin = cli().run("pin", ID);
    assertEquals(0, pin.exitCode(), pin.toString());
    assertEquals("backup " + ID + " of app: COMPLETED, pinned (retention keeps it)\n", pin.out());

    var unpin = cli().run("unpin", ID);
    assertEquals(0, unpin.exitCode(), unpin.toString());
    assertEquals(
        "backup " + ID + " of app: COMPLETED, not pinned (retention may delete it)\n", unpin.out());

    var json = cli().run("pin", ID, "--json");
    assertEquals(0, json.exitCode(), json.toString());
    assertTrue(json.out().contains("\"pinned\" : true"), json.out());
    assertEquals(
        List.of("PUT " + PATH + "/pin", "DELETE " + PATH + "/pin", "PUT " + PATH + "/pin"), sent());
  }

  @Test
  void pinOfAnUnknownOrUnfinishedBackupExitsThreeOrFive() {
    var missing = cli().run("pin", "bk_20260102T143022Z_00000000");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode(), missing.toString());
    assertTrue(missing.err().startsWith("error: Not Found: "), missing.err());

    stub.on(
        "PUT " + PATH + "/pin",
        Answer.problem(
            409,
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"backup "
                + ID
                + " is RUNNING; only completed backups can be pinned\"}"));
    var running = cli().run("pin", ID);
    assertEquals(ExitCodes.CONFLICT, running.exitCode(), running.toString());
    assertEquals(
        "error: Conflict: backup " + ID + " is RUNNING; only completed backups can be pinned\n",
        running.err());
    assertEquals("", running.out());

    var unpinMissing = cli().run("unpin", "bk_20260102T143022Z_00000000");
    assertEquals(ExitCodes.NOT_FOUND, unpinMissing.exitCode(), unpinMissing.toString());
  }

  @Test
  void deleteWithoutATerminalAndWithoutYesRefusesAndSendsNothing() {
    stub.on("GET " + PATH, Answer.json(200, backup(false)));
    var refused = cli().interactive(false).run("delete", ID);
    assertEquals(ExitCodes.USAGE, refused.exitCode(), refused.toString());
    assertTrue(refused.err().contains("pass --yes"), refused.err());
    assertEquals(List.of(), sent());
  }

  @Test
  void deleteWithYesDeletesWithoutAsking() {
    stub.on("GET " + PATH, Answer.json(200, backup(false)));
    stub.on("DELETE " + PATH, new Answer(204, "application/json", "", java.util.Map.of()));
    var deleted = cli().interactive(false).run("delete", ID, "--yes");
    assertEquals(0, deleted.exitCode(), deleted.toString());
    assertEquals("backup " + ID + " of app: DELETED\n", deleted.out());
    assertEquals(List.of("GET " + PATH, "DELETE " + PATH), sent());

    var json = cli().run("delete", ID, "--yes", "--json");
    assertEquals(0, json.exitCode(), json.toString());
    assertTrue(json.out().contains("\"status\" : \"DELETED\""), json.out());
  }

  @Test
  void deleteOnATerminalAsksForTheBackupId() {
    stub.on("GET " + PATH, Answer.json(200, backup(false)));
    stub.on("DELETE " + PATH, new Answer(204, "application/json", "", java.util.Map.of()));

    var no = cli().answers(question -> "y").run("delete", ID);
    assertEquals(ExitCodes.ABORTED, no.exitCode(), no.toString());
    assertEquals(
        List.of(
            "Delete backup "
                + ID
                + " of app (COMPLETED, 1.5 MiB, taken 2026-01-02 14:30:22Z, migration"
                + " 20260103_add_escrow_status)? Type the backup id to confirm; press Enter to"
                + " cancel: "),
        no.questions());
    assertTrue(no.err().contains("was not deleted"), no.err());
    var empty = cli().run("delete", ID);
    assertEquals(ExitCodes.ABORTED, empty.exitCode(), empty.toString());
    assertEquals(List.of("GET " + PATH, "GET " + PATH), sent(), "nothing deleted");

    var yes = cli().answers(question -> " " + ID + " ").run("delete", ID);
    assertEquals(0, yes.exitCode(), yes.toString());
    assertEquals("DELETE " + PATH, sent().get(sent().size() - 1));
  }

  @Test
  void aPinnedBackupIsNotOfferedForDeletion() {
    stub.on("GET " + PATH, Answer.json(200, backup(true)));
    var pinned = cli().answers(question -> ID).run("delete", ID);
    assertEquals(ExitCodes.CONFLICT, pinned.exitCode(), pinned.toString());
    assertEquals(List.of(), pinned.questions());
    assertEquals(
        "error: backup " + ID + " is pinned; unpin it first: lifeboat unpin " + ID + "\n",
        pinned.err());

    stub.on("GET " + PATH, Answer.json(200, backup(false)));
    stub.on(
        "DELETE " + PATH,
        Answer.problem(
            409,
            "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"backup is in use by restore"
                + " rs_20260102T151201Z_9f3a2c11\"}"));
    var held = cli().run("delete", ID, "--yes");
    assertEquals(ExitCodes.CONFLICT, held.exitCode(), held.toString());
    assertEquals(
        "error: Conflict: backup is in use by restore rs_20260102T151201Z_9f3a2c11\n", held.err());

    var missing = cli().run("delete", "bk_20260102T143022Z_00000000", "--yes");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode(), missing.toString());
  }
}
