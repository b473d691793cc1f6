package dev.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.failpoints.Failpoints;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import dev.lifeboat.testsupport.TopicRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packaged restore-service halted (as by SIGKILL) at each step boundary of a restore, then
 * started again: the target exists under its name throughout, with either the old or the restored
 * content, accepts connections once the restore is recovered, and the restore completes exactly
 * once. The target's configured name ({@code fpshop}) differs from the database its URL names
 * ({@code fpshop_live}), as it does wherever a configuration says so: every operation must act on
 * the latter.
 */
class RestoreFailpointsIT {
  private static final String TARGET = "fpshop";
  private static final String DATABASE = "fpshop_live";
  private static final long BACKED_UP = 20_000;
  private static final long NOW = 500;
  private static final long ORDERS = 10;
  private static final String NEW_DATABASE = DATABASE + "_new";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final RestoreServiceProcess service =
      new RestoreServiceProcess("lifeboat_restore_failpoints", "failpoint-test.restore.commands")
          .target(TARGET, DATABASE);

  @ParameterizedTest(name = "{0} halted at {1}")
  @CsvSource({
    "SWAP, restore.before-swap",
    "SWAP, restore.in-swap",
    "SWAP, restore.after-swap",
    "IN_PLACE, restore.in-place.after-drop",
    "NEW_DATABASE, restore.new-database.before-verify",
    "NEW_DATABASE, restore.new-database.after-verify",
    "TABLES, restore.tables.after-set-aside",
    "TABLES, restore.tables.before-swap",
    "TABLES, restore.tables.after-swap"
  })
  @SuppressWarnings("try") // the service is held, not used: it recovers the restore
  void aHaltAtAnyStepLosesNothingAndTheRestoreCompletesOnce(String mode, String point)
      throws Exception {
    dropLeftovers();
    pg.createDatabase(DATABASE);
    // orders points at items: TABLES (which restores items alone) must put that key back.
    pg.execute(
        DATABASE,
        "CREATE TABLE items (id int PRIMARY KEY, body text);"
            + " INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, "
            + BACKED_UP
            + ") g;"
            + " CREATE TABLE orders (id int PRIMARY KEY, item_id int REFERENCES items (id));"
            + " INSERT INTO orders SELECT g, g FROM generate_series(1, "
            + ORDERS
            + ") g;");
    Manifest backup = StoredBackupFixture.backupOf(pg, s3, TARGET, DATABASE);
    String restored = checksum(DATABASE);
    pg.execute(DATABASE, "DELETE FROM items WHERE id > " + NOW);
    String old = checksum(DATABASE);

    try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      String restoreId;
      String logName = mode + "-" + point;
      String extra =
          switch (mode) {
            case "NEW_DATABASE" -> ",\"newDatabase\":\"" + NEW_DATABASE + "\"";
            case "TABLES" -> ",\"tables\":[\"public.items\"]";
            default -> "";
          };
      try (ServiceProcess halting = service.start(logName, Map.of(Failpoints.VARIABLE, point))) {
        JsonNode plan =
            post(
                halting,
                "/api/v1/restores",
                "{\"backupId\":\""
                    + backup.backupId()
                    + "\",\"database\":\""
                    + TARGET
                    + "\",\"mode\":\""
                    + mode
                    + "\""
                    + extra
                    + ",\"safetyBackup\":false}",
                201);
        restoreId = plan.path("restoreId").asText();
        post(
            halting,
            "/api/v1/restores/" + restoreId + "/confirm",
            "{\"confirmationCode\":\"" + plan.path("confirmationCode").asText() + "\"}",
            202);
        awaitHalt(halting, logName, point);
      }
      assertEquals("RUNNING", service.status(restoreId), "the halt left the restore running");
      switch (point) {
        case "restore.in-place.after-drop" ->
            assertFalse(exists(DATABASE), "halted between the drop and the create");
        case "restore.after-swap" -> assertEquals(BACKED_UP, rows(DATABASE), "swapped");
        case "restore.new-database.before-verify", "restore.new-database.after-verify" -> {
          assertEquals(old, checksum(DATABASE), "the target is left alone");
          assertEquals(restored, checksum(NEW_DATABASE), "the new database is restored");
        }
        case "restore.tables.after-set-aside" -> {
          // The one window where the chosen table is not under its name: recorded, undone below.
          assertEquals(0, relations("items"), "items is renamed aside");
          assertEquals(NOW, setAsideRows(), "the live rows are in the set-aside table");
        }
        case "restore.tables.before-swap" -> {
          assertEquals(restored, checksum(DATABASE), "the restored items beside the old ones");
          assertEquals(NOW, setAsideRows(), "the live rows are still set aside");
        }
        case "restore.tables.after-swap" -> {
          assertEquals(restored, checksum(DATABASE), "the restored items in place");
          assertEquals(0, relations("%\\_lbr\\_%"), "the set-aside tables are dropped");
        }
        default ->
            // Before the swap, or inside its uncommitted transaction: the old database.
            assertTrue(exists(DATABASE), "the target is still there under its name");
      }

      try (ServiceProcess recovering = service.start(mode + "-" + point + "-after", Map.of())) {
        String id = restoreId;
        events.await(r -> is(r, id, "dev.lifeboat.restore.completed"), 1, Duration.ofSeconds(180));
        assertEquals("COMPLETED", service.status(restoreId));
      }
      assertEquals(
          1,
          pg.queryLong(
              "postgres",
              "SELECT count(*) FROM pg_database WHERE datname = '"
                  + DATABASE
                  + "' AND datallowconn"),
          "the target accepts connections");
      if (mode.equals("NEW_DATABASE")) {
        assertEquals(old, checksum(DATABASE), "the target is left alone");
        assertEquals(restored, checksum(NEW_DATABASE), "the new database has the backup");
      } else {
        assertEquals(restored, checksum(DATABASE), "the target has the restored content");
      }
      assertEquals(ORDERS, pg.queryLong(DATABASE, "SELECT count(*) FROM orders"), "orders kept");
      if (mode.equals("SWAP")) {
        assertEquals(
            NOW,
            rows(DATABASE + "_pre_" + restoreId),
            "the database as it was is kept as the undo");
      }
      if (mode.equals("TABLES")) {
        assertEquals(
            1,
            pg.queryLong(
                DATABASE,
                "SELECT count(*) FROM pg_constraint"
                    + " WHERE contype = 'f' AND confrelid = 'public.items'::regclass"),
            "orders' foreign key points at the restored items again");
      }
      assertEquals(
          0,
          pg.queryLong(
              "postgres",
              "SELECT count(*) FROM pg_database WHERE datname LIKE '" + DATABASE + "\\_lbr\\_%'"),
          "no scratch database left");
      assertEquals(0, relations("%\\_lbr\\_%"), "no set-aside table, index or sequence left");
      String id = restoreId;
      List<ConsumerRecord<String, String>> completed =
          events.matching(r -> is(r, id, "dev.lifeboat.restore.completed"));
      Set<String> eventIds =
          completed.stream().map(this::eventId).collect(Collectors.toUnmodifiableSet());
      assertEquals(1, eventIds.size(), "one completion, however often announced: " + eventIds);
      assertEquals(
          0,
          events.matching(r -> is(r, id, "dev.lifeboat.restore.failed")).size(),
          "it never failed");
    } finally {
      dropLeftovers();
    }
  }

  private void awaitHalt(ServiceProcess process, String logName, String point) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the service did not halt at " + point);
      }
      Thread.sleep(100);
    }
    String log =
        Files.readString(
            TestServers.baseDir().resolve("failpoint-test.restore.commands-" + logName + ".log"));
    assertTrue(log.contains("failpoint " + point + " reached"), "it halted at " + point);
  }

  private boolean exists(String database) {
    return pg.queryLong(
            "postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")
        == 1;
  }

  private long rows(String database) {
    return pg.queryLong(database, "SELECT count(*) FROM items");
  }

  /** The items' content, as one hash: the old and the restored content differ. */
  private String checksum(String database) throws Exception {
    try (var c = pg.connect(database);
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT md5(string_agg(id || ':' || body, ',' ORDER BY id)) FROM public.items")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Relations of the target's public schema whose names are LIKE {@code pattern}. */
  private long relations(String pattern) {
    return pg.queryLong(
        DATABASE,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = 'public' AND c.relname LIKE '"
            + pattern
            + "'");
  }

  /** The rows of the items table set aside by a TABLES restore ({@code items_lbr_<8 hex>}). */
  private long setAsideRows() throws Exception {
    try (var c = pg.connect(DATABASE);
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'items\\_lbr\\_%'")) {
      assertTrue(rs.next(), "a set-aside items table");
      return pg.queryLong(DATABASE, "SELECT count(*) FROM public." + rs.getString(1));
    }
  }

  private void dropLeftovers() throws Exception {
    try (var c = pg.connect("postgres");
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT datname FROM pg_database WHERE datname LIKE '" + DATABASE + "%'")) {
      List<String> names = new java.util.ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      for (String name : names) {
        pg.dropDatabase(name);
      }
    }
  }

  private String eventId(ConsumerRecord<String, String> r) {
    try {
      return json.readTree(r.value()).path("id").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean is(ConsumerRecord<String, String> r, String correlation, String type) {
    return r.value().contains("\"correlationid\":\"" + correlation + "\"")
        && r.value().contains("\"type\":\"" + type + "\"");
  }

  private JsonNode post(ServiceProcess service, String path, String body, int expected)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(service.url() + path))
                .header("Authorization", "Bearer " + Tokens.forRoles("ada", Roles.ADMIN))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), response.body());
    return json.readTree(response.body());
  }
}
