package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.testsupport.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CLI against the real backup-service and restore-service (their packaged jars) on real
 * PostgreSQL, Kafka and S3: backups taken and listed, restores planned, confirmed and followed, and
 * what the user sees when something is wrong.
 */
class BackupAndRestoreIT {
  private static final Pattern BACKUP_ID = Pattern.compile("bk_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}");
  private static final Pattern CODE = Pattern.compile("confirmation code ([A-Z0-9-]+)");

  private static RunningServices services;
  private static String responder;

  @BeforeAll
  static void start() {
    services = RunningServices.shared();
    responder = Tokens.forRoles("rita", "lifeboat-responder");
    Shop.create(services.pg, "app");
    Shop.create(services.pg, "shop");
    Shop.create(services.pg, "ledger");
  }

  private static CliRun cli() {
    return services.cli(responder);
  }

  private static JsonNode api(String service, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(services.url(service) + path))
                    .header("Authorization", "Bearer " + responder)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return ApiClient.JSON.readTree(response.body());
  }

  private static String backupId(String text) {
    Matcher m = BACKUP_ID.matcher(text);
    assertTrue(m.find(), text);
    return m.group();
  }

  /** A completed backup of the database, taken through the CLI. */
  private static String backup(String database) {
    var result = cli().run("backup", database, "--wait", "--quiet");
    assertEquals(0, result.exitCode(), result.toString());
    return result.out().strip();
  }

  @Test
  void backupWaitEndsWithACompletedBackupThatTheListShows() throws Exception {
    var result =
        cli()
            .run(
                "backup",
                "app",
                "--wait",
                "--migration",
                "20260103_add_escrow_status",
                "--reason",
                "pre-migration",
                "--label",
                "release=v1.4.0");

    assertEquals(0, result.exitCode(), result.toString());
    String backupId = backupId(result.out());
    assertTrue(result.out().startsWith("backup " + backupId + " of app: COMPLETED"), result.out());
    assertTrue(
        result
            .out()
            .contains("  tables     4 tables, " + String.format("%,d", 2 * Shop.ORDERS + 250)),
        result.out());
    assertTrue(result.out().contains("  migration  20260103_add_escrow_status\n"), result.out());
    // Not a terminal: progress comes as plain lines on stderr, ending with the completed one.
    assertTrue(result.err().contains(backupId + "  "), result.err());
    assertTrue(
        result.err().strip().lines().reduce((a, b) -> b).orElseThrow().contains("COMPLETED"));

    JsonNode backup = api("backup-service", "/api/v1/backups/" + backupId);
    assertEquals("COMPLETED", backup.path("status").asText());
    assertEquals("20260103_add_escrow_status", backup.path("migration").asText());
    assertEquals("v1.4.0", backup.path("labels").path("release").asText());
    long orders = 0;
    for (JsonNode table : backup.path("tables")) {
      if ("orders".equals(table.path("name").asText())) {
        orders = table.path("rows").asLong();
      }
    }
    assertEquals(Shop.orders(services.pg, "app"), orders);

    var list = cli().run("backups", "app");
    assertEquals(0, list.exitCode(), list.toString());
    String row = list.out().lines().filter(l -> l.startsWith(backupId)).findFirst().orElseThrow();
    assertTrue(row.contains("COMPLETED"), row);
    assertTrue(row.contains(String.format("%,d", 2 * Shop.ORDERS + 250)), row);
    assertTrue(row.endsWith("20260103_add_escrow_status"), row);

    var json = cli().run("backups", "app", "--json");
    assertEquals(0, json.exitCode());
    JsonNode array = ApiClient.JSON.readTree(json.out());
    assertTrue(array.isArray());
    assertTrue(
        array.findValuesAsText("backupId").contains(backupId), "the JSON list holds the backup");
  }

  @Test
  void aRestoreIntoANewDatabaseIsPlannedConfirmedWithTheCodeAndFollowed() throws Exception {
    String backupId = backup("shop");
    Shop.badMigration(services.pg, "shop");
    services.pg.dropDatabase("shop_restored");

    var plan =
        cli()
            .run(
                "restore",
                backupId,
                "--mode",
                "NEW_DATABASE",
                "--new-database",
                "shop_restored",
                "--plan-only",
                "--json");
    assertEquals(0, plan.exitCode(), plan.toString());
    JsonNode planned = ApiClient.JSON.readTree(plan.out());
    String restoreId = planned.path("restoreId").asText();
    String code = planned.path("confirmationCode").asText();
    assertEquals("AWAITING_CONFIRMATION", planned.path("status").asText());
    JsonNode orders = null;
    for (JsonNode t : planned.path("dataLoss").path("tables")) {
      if ("orders".equals(t.path("name").asText())) {
        orders = t;
      }
    }
    assertNotNull(orders, planned.toString());
    assertEquals(Shop.ORDERS / 2, orders.path("rowsNow").asLong());
    assertEquals(Shop.ORDERS, orders.path("rowsInBackup").asLong());

    var confirmed = cli().run("restore", restoreId, "--confirm", code);

    assertEquals(0, confirmed.exitCode(), confirmed.toString());
    assertTrue(
        confirmed.out().startsWith("Restore plan " + restoreId + " [AWAITING_CONFIRMATION]"),
        "the plan is shown before it is confirmed: " + confirmed.out());
    assertTrue(
        confirmed.out().contains("\nrestore " + restoreId + " of shop: COMPLETED"),
        confirmed.out());
    assertTrue(confirmed.out().contains("shop_restored holds backup " + backupId), confirmed.out());
    assertTrue(confirmed.err().contains("[DONE]"), confirmed.err());
    assertTrue(confirmed.err().contains("restore " + restoreId + ": COMPLETED"), confirmed.err());
    assertEquals(Shop.ORDERS, Shop.orders(services.pg, "shop_restored"), "the backup's rows");
    assertEquals(
        Shop.ORDERS,
        services.pg.queryLong(
            "shop_restored",
            "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id"
                + " WHERE o.note LIKE E'line one\\nline two %'"));
    assertEquals(Shop.ORDERS / 2, Shop.orders(services.pg, "shop"), "shop itself is untouched");
    assertEquals(
        "COMPLETED",
        api("restore-service", "/api/v1/restores/" + restoreId).path("status").asText());
  }

  @Test
  void anInteractiveSwapShowsTheDataLossAsksForTheCodeAndRetriesAWrongOne() throws Exception {
    String backupId = backup("ledger");
    Shop.badMigration(services.pg, "ledger");
    services.pg.execute(
        "ledger", "CREATE TABLE coupons (code text); INSERT INTO coupons VALUES ('A'), ('B');");

    var attempts = new int[] {0};
    var result =
        cli()
            .answers(
                question -> {
                  Matcher m = CODE.matcher(question);
                  assertTrue(m.find(), question);
                  return attempts[0]++ == 0 ? "WRONG-CODE" : m.group(1);
                })
            .run("restore", backupId);

    assertEquals(0, result.exitCode(), result.toString());
    assertEquals(2, result.questions().size(), "asked again after a wrong code");
    assertTrue(result.err().contains("error: Conflict: wrong confirmation code"), result.err());
    String out = result.out();
    assertTrue(out.contains("  mode           SWAP: "), out);
    assertTrue(
        Pattern.compile("\n  public\\.coupons +2 +- +created since the backup\n")
            .matcher(out)
            .find(),
        out);
    assertTrue(
        Pattern.compile("\n  public\\.orders +3,000 +6,000 +-3,000\n").matcher(out).find(), out);
    String restoreId =
        out.lines()
            .filter(l -> l.startsWith("Restore plan "))
            .findFirst()
            .orElseThrow()
            .split(" ")[2];
    assertTrue(out.contains("restore " + restoreId + " of ledger: COMPLETED"), out);
    assertEquals(Shop.ORDERS, Shop.orders(services.pg, "ledger"), "the backup's rows are back");
    assertEquals(
        Shop.ORDERS / 2,
        Shop.orders(services.pg, "ledger_pre_" + restoreId),
        "the database as it was is kept");
  }

  @Test
  void withoutAConfirmationThePlanIsCancelledAndNothingChanges() throws Exception {
    String backupId = backup("app");
    long before = Shop.orders(services.pg, "app");

    var result = cli().answers(question -> "").run("restore", backupId, "--mode", "IN_PLACE");

    assertEquals(ExitCodes.ABORTED, result.exitCode(), result.toString());
    assertTrue(result.err().contains("error: not confirmed: restore rs_"), result.err());
    String restoreId =
        result
            .out()
            .lines()
            .filter(l -> l.startsWith("Restore plan "))
            .findFirst()
            .orElseThrow()
            .split(" ")[2];
    assertEquals(
        "CANCELLED",
        api("restore-service", "/api/v1/restores/" + restoreId).path("status").asText());
    assertEquals(before, Shop.orders(services.pg, "app"));
  }

  @Test
  void aSecondOpenRestoreOfADatabaseIsAConflict() {
    String backupId = backup("app");
    var first = cli().run("restore", backupId, "--plan-only");
    assertEquals(0, first.exitCode(), first.toString());
    String restoreId =
        first
            .out()
            .lines()
            .filter(l -> l.startsWith("Restore plan "))
            .findFirst()
            .orElseThrow()
            .split(" ")[2];
    assertTrue(
        first.out().contains("Confirm with: lifeboat restore " + restoreId + " --confirm "),
        first.out());

    var second = cli().run("restore", backupId, "--plan-only");
    assertEquals(ExitCodes.CONFLICT, second.exitCode(), second.toString());
    assertEquals(1, second.err().lines().count(), second.err());
    assertTrue(
        second
            .err()
            .startsWith("error: Conflict: database app already has an open restore: " + restoreId),
        second.err());

    var cancel = cli().run("restore", restoreId, "--cancel");
    assertEquals(0, cancel.exitCode(), cancel.toString());
    assertEquals("restore " + restoreId + ": CANCELLED\n", cancel.out());
  }

  @Test
  void aFailedBackupExitsOneWithItsReasonAndStatusSaysSo() throws Exception {
    var result = cli().run("backup", RunningServices.GHOST, "--wait");

    assertEquals(ExitCodes.FAILED, result.exitCode(), result.toString());
    String backupId = backupId(result.out());
    assertTrue(result.out().startsWith("backup " + backupId + " of ghost: FAILED"), result.out());
    String error = result.err().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(error.startsWith("error: backup " + backupId + " failed: "), result.err());
    assertTrue(error.contains("ghost_missing"), "the reason names what is wrong: " + error);
    assertEquals(
        "FAILED", api("backup-service", "/api/v1/backups/" + backupId).path("status").asText());

    var status = cli().run("status", "--database", RunningServices.GHOST);
    assertEquals(ExitCodes.FAILED, status.exitCode(), status.toString());
    assertTrue(status.out().contains("! ghost: no completed backup\n"), status.out());
    assertTrue(
        status.out().contains("! ghost: the newest backup " + backupId + " FAILED"), status.out());
  }

  @Test
  void aBadRequestIsOneClearLineAndChangesNothing() throws Exception {
    int before = api("backup-service", "/api/v1/backups?limit=1000").size();

    var result = cli().run("backup", "nosuch");

    assertEquals(ExitCodes.USAGE, result.exitCode(), result.toString());
    assertEquals("", result.out());
    assertEquals(1, result.err().lines().count(), result.err());
    assertTrue(result.err().startsWith("error: Bad Request: "), result.err());
    assertTrue(result.err().contains("nosuch"), result.err());
    assertEquals(before, api("backup-service", "/api/v1/backups?limit=1000").size());

    var invalid = cli().run("backup", "App!");
    assertEquals(ExitCodes.USAGE, invalid.exitCode(), invalid.toString());
    assertTrue(invalid.err().startsWith("error: Bad Request: "), invalid.err());
    assertTrue(invalid.err().contains("database"), invalid.err());

    var missing = cli().run("restore", "bk_20200101T000000Z_00000000");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode(), missing.toString());
    assertTrue(missing.err().startsWith("error: Not Found: "), missing.err());
  }

  @Test
  void tokensDecideWhoMayDoWhat() {
    var none = services.cli(null).run("backups", "app");
    assertEquals(ExitCodes.AUTH, none.exitCode(), none.toString());
    assertTrue(none.err().startsWith("error: no token"), none.err());

    var expired = services.cli(Tokens.expired("rita", "lifeboat-admin")).run("backups", "app");
    assertEquals(ExitCodes.AUTH, expired.exitCode(), expired.toString());
    assertTrue(expired.err().startsWith("error: Unauthorized"), expired.err());

    var viewer = services.cli(Tokens.forRoles("victor", "lifeboat-viewer"));
    assertEquals(0, viewer.run("backups", "app").exitCode());
    var forbidden = viewer.run("backup", "app");
    assertEquals(ExitCodes.AUTH, forbidden.exitCode(), forbidden.toString());
    assertTrue(forbidden.err().startsWith("error: Forbidden"), forbidden.err());
    assertEquals(1, forbidden.err().lines().count(), forbidden.err());
  }
}
