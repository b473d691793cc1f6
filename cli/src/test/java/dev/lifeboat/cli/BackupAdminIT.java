package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testsupport.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pin, unpin, delete and monitor against the packaged services. */
class BackupAdminIT {
  private static final String DB = "orders";
  private static RunningServices services;

  @BeforeAll
  static void start() {
    services = RunningServices.shared().start("health-service");
    Shop.create(services.pg, DB);
  }

  private static CliRun cli() {
    return services.cli(Tokens.forRoles("ada", "lifeboat-admin"));
  }

  @Test
  void aPinnedBackupIsNotDeletedUntilUnpinned() {
    var backup = cli().run("backup", DB, "--wait", "--quiet");
    assertEquals(0, backup.exitCode(), backup.toString());
    String backupId = backup.out().strip();

    var pin = cli().run("pin", backupId);
    assertEquals(0, pin.exitCode(), pin.toString());
    assertTrue(pin.out().contains("pinned"), pin.out());
    var refused = cli().run("delete", backupId, "--yes");
    assertEquals(ExitCodes.CONFLICT, refused.exitCode(), refused.toString());

    assertEquals(0, cli().run("unpin", backupId).exitCode());
    var notConfirmed = cli().answers(question -> "no").run("delete", backupId);
    assertEquals(ExitCodes.ABORTED, notConfirmed.exitCode(), notConfirmed.toString());
    assertTrue(cli().run("backups", DB).out().contains(backupId));

    var deleted = cli().answers(question -> backupId).run("delete", backupId);
    assertEquals(0, deleted.exitCode(), deleted.toString());
    assertFalse(cli().run("backups", DB).out().contains(backupId));
    assertEquals(ExitCodes.NOT_FOUND, cli().run("pin", backupId).exitCode());
  }

  @Test
  void monitorChecksOnceAnIntervalAndStopsAfterCount() {
    var monitor = cli().run("monitor", DB, "--interval", "1s", "--count", "2", "--fail-fast");
    assertEquals(0, monitor.exitCode(), monitor.toString());
    assertEquals(
        2, monitor.out().lines().filter(l -> l.contains(" ck_")).count(), monitor.toString());
  }
}
