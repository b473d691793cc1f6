package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.api.ApiClient;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A target on a server that accepts TLS only (hostssl, a certificate from the tests' own CA), as a
 * managed PostgreSQL is, reached with {@code sslmode=verify-full}: backup (JDBC snapshot and
 * pg_dump), a SWAP restore (JDBC and pg_restore), a check (the reactive client) and a drill work; a
 * target that trusts another CA is refused, in one line naming it.
 */
class TlsTargetIT {
  private static RunningServices services;
  private static PostgresEndpoint server;

  @BeforeAll
  static void start() {
    services = RunningServices.shared().start("health-service");
    server = services.tlsServer.endpoint();
    Shop.create(server, RunningServices.SECURE);
  }

  private static CliRun cli() {
    return services.cli(Tokens.forRoles("rita", "lifeboat-admin"));
  }

  @Test
  void backupRestoreCheckAndDrillGoOverVerifiedTls() throws Exception {
    var backup = cli().run("backup", RunningServices.SECURE, "--wait", "--quiet");
    assertEquals(0, backup.exitCode(), backup.toString());
    String backupId = backup.out().strip();

    Shop.badMigration(server, RunningServices.SECURE);
    var plan = cli().run("restore", backupId, "--plan-only", "--json");
    assertEquals(0, plan.exitCode(), plan.toString());
    JsonNode planned = ApiClient.JSON.readTree(plan.out());
    var restored =
        cli()
            .run(
                "restore",
                planned.path("restoreId").asText(),
                "--confirm",
                planned.path("confirmationCode").asText());
    assertEquals(0, restored.exitCode(), restored.toString());
    assertEquals(Shop.ORDERS, Shop.orders(server, RunningServices.SECURE));

    var check = cli().run("check", RunningServices.SECURE, "--baseline", backupId);
    assertEquals(0, check.exitCode(), check.toString());
    assertTrue(check.out().contains(": HEALTHY (baseline " + backupId + ")"), check.out());

    var drill = cli().run("verify", backupId, "--drill", "--wait");
    assertEquals(0, drill.exitCode(), drill.toString());
    assertTrue(drill.out().contains(": PASSED; checksum ok; drill: restored"), drill.out());
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefusedInOneLine() {
    var backup = cli().run("backup", RunningServices.WRONG_CA, "--wait");
    assertEquals(ExitCodes.FAILED, backup.exitCode(), backup.toString());
    String error = backup.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
    assertTrue(
        error.contains("TLS to database " + RunningServices.WRONG_CA)
            && error.contains("sslmode=verify-full"),
        backup.toString());
  }
}
