package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.testsupport.Tokens;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code lifeboat guard} as a pipeline step runs it, against the packaged services: the backup, the
 * migration through psql, the facts on lifeboat.events and health-service's post-migration check.
 */
class GuardIT {
  private static final String DB = "orders";
  private static RunningServices services;

  @BeforeAll
  static void start() {
    services = RunningServices.shared().start("health-service");
    Shop.create(services.pg, DB);
  }

  private static CliRun cli() {
    return services.cli(Tokens.forRoles("pia", "lifeboat-pipeline"));
  }

  /** psql against the target, as a migration step runs it. */
  private static List<String> psql(String sql) {
    var pg = services.pg;
    return List.of(
        "env",
        "PGPASSWORD=" + pg.password(),
        pg.clientBinDir().resolve("psql").toString(),
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        pg.host(),
        "-p",
        String.valueOf(pg.port()),
        "-U",
        pg.username(),
        "-d",
        DB,
        "-c",
        sql);
  }

  private static String[] guard(String migration, List<String> command, String... options) {
    var args = new java.util.ArrayList<String>();
    args.add("--json");
    args.add("guard");
    args.add(DB);
    args.add("--migration");
    args.add(migration);
    args.addAll(List.of(options));
    args.add("--");
    args.addAll(command);
    return args.toArray(String[]::new);
  }

  @Test
  void aHarmlessMigrationPassesAndABadOneSaysHowToRollBack() throws Exception {
    ObjectMapper json = new ObjectMapper();
    var harmless =
        cli().run(guard("050_index_orders", psql("CREATE INDEX ON orders (customer_id)")));
    assertEquals(0, harmless.exitCode(), harmless.toString());
    JsonNode passed = json.readTree(harmless.out());
    assertEquals("HEALTHY", passed.path("outcome").asText(), harmless.toString());
    assertEquals("HEALTHY", passed.path("check").path("status").asText());
    assertEquals(
        passed.path("backupId").asText(), passed.path("check").path("baselineBackupId").asText());

    var bad =
        cli()
            .run(
                guard(
                    "051_purge_orders",
                    psql(
                        "DELETE FROM order_items WHERE order_id % 2 = 0;"
                            + " DELETE FROM orders WHERE id % 2 = 0")));
    assertEquals(ExitCodes.CHECK_FAILED, bad.exitCode(), bad.toString());
    JsonNode failed = json.readTree(bad.out());
    String backupId = failed.path("backupId").asText();
    assertEquals("UNHEALTHY", failed.path("check").path("status").asText(), bad.toString());
    assertEquals("bin/lifeboat restore " + backupId, failed.path("restoreCommand").asText());
    assertTrue(
        failed.path("check").path("findings").toString().contains("public.orders lost 3000 of"),
        failed.toString());

    var broken = cli().run(guard("052_typo", psql("ALTER TABLE nosuch ADD COLUMN x int")));
    assertEquals(ExitCodes.MIGRATION_FAILED, broken.exitCode(), broken.toString());
    assertTrue(json.readTree(broken.out()).path("commandExitCode").asInt() > 0, broken.toString());
    assertTrue(broken.err().contains("relation \"nosuch\" does not exist"), broken.err());
  }
}
