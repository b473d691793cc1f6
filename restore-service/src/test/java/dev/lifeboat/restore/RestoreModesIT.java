package dev.lifeboat.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.restore.tables.TableSwap;
import dev.lifeboat.restore.undo.UndoRetention;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import dev.lifeboat.testsupport.TopicRecorder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every restore mode, the safety backup, cancel and kill mid-way, progress, health checks,
 * verification warnings, undo retention and the lock against backups, on real servers.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_restore")
    })
class RestoreModesIT {
  private static final List<String> TABLES = List.of("customers", "orders", "order_items");

  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;
  private Manifest backup;
  private Map<String, String> checksumsAtBackup;

  @Inject UndoRetention undoRetention;

  @BeforeEach
  void shopWithABackup() throws Exception {
    pg.execute("lifeboat_restore", "DELETE FROM restore.restores");
    pg.execute("lifeboat_restore", "DELETE FROM restore.backup_verifications");
    dropLeftovers();
    pg.dropDatabase("shop");
    pg.createDatabase("shop");
    pg.execute(
        "shop",
        """
        CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text);
        CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                             customer_id int NOT NULL REFERENCES customers, total numeric(10,2),
                             status text CHECK (status <> ''));
        CREATE INDEX orders_by_customer ON orders (customer_id);
        CREATE TABLE order_items (id int PRIMARY KEY, order_id int NOT NULL REFERENCES orders,
                                  sku text);
        INSERT INTO customers (name, email) SELECT 'c' || g, 'c' || g || '@example.com'
          FROM generate_series(1, 200) g;
        INSERT INTO orders (customer_id, total, status) SELECT 1 + g % 200, g * 1.25, 'paid'
          FROM generate_series(1, 3000) g;
        INSERT INTO order_items SELECT g, 1 + g % 3000, 'sku-' || g FROM generate_series(1, 6000) g;
        """);
    backup = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    checksumsAtBackup = checksums("shop");
    events = TestServers.kafka().recorder(Topics.EVENTS);
  }

  @AfterEach
  void cleanUp() throws Exception {
    events.close();
    dropLeftovers();
  }

  private void dropLeftovers() throws SQLException {
    List<String> leftovers = new ArrayList<>();
    try (var c = pg.connect("postgres");
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'shop\\_%'")) {
      while (rs.next()) {
        leftovers.add(rs.getString(1));
      }
    }
    leftovers.forEach(pg::dropDatabase);
  }

  /** A content checksum per table: every row, in key order. */
  private Map<String, String> checksums(String database) throws SQLException {
    Map<String, String> sums = new LinkedHashMap<>();
    try (Connection c = pg.connect(database);
        var s = c.createStatement()) {
      for (String table : TABLES) {
        try (var rs =
            s.executeQuery(
                "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), ''))"
                    + " FROM "
                    + table
                    + " t")) {
          rs.next();
          sums.put(table, rs.getString(1));
        }
      }
    }
    return sums;
  }

  private static String bearer() {
    return "Bearer " + Tokens.forRoles("rita", Roles.RESPONDER);
  }

  private String planAndConfirm(String extra) {
    var planned =
        given()
            .header("Authorization", bearer())
            .contentType("application/json")
            .body("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"" + extra + "}")
            .post("/api/v1/restores")
            .then()
            .statusCode(201)
            .extract();
    String restoreId = planned.path("restoreId");
    given()
        .header("Authorization", bearer())
        .contentType("application/json")
        .body("{\"confirmationCode\":\"" + planned.path("confirmationCode") + "\"}")
        .post("/api/v1/restores/" + restoreId + "/confirm")
        .then()
        .statusCode(202);
    return restoreId;
  }

  private JsonNode await(String restoreId, String type, Duration timeout) throws Exception {
    return json.readTree(
        events
            .await(
                r ->
                    r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                        && r.value().contains("\"type\":\"" + type + "\""),
                1,
                timeout)
            .get(0)
            .value());
  }

  private JsonNode await(String restoreId, String type) throws Exception {
    return await(restoreId, type, Duration.ofSeconds(90));
  }

  private JsonNode get(String restoreId) throws Exception {
    return json.readTree(
        given()
            .header("Authorization", bearer())
            .get("/api/v1/restores/" + restoreId)
            .then()
            .statusCode(200)
            .extract()
            .asString());
  }

  private long databases(String like) {
    return pg.queryLong(
        "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '" + like + "'");
  }

  /** The runbooks' bad migration: a dropped column, deleted rows, corrupted values. */
  private void badMigration() {
    pg.execute(
        "shop",
        """
        ALTER TABLE customers DROP COLUMN email;
        DELETE FROM order_items WHERE id % 3 = 0;
        UPDATE orders SET total = 0, status = 'broken' WHERE id % 7 = 0;
        """);
  }

  @Test
  void theRunbookRollbackBringsBackThePreMigrationStateAndEndsTheSessionsOfTheOldOne()
      throws Exception {
    badMigration();
    Map<String, String> broken = checksums("shop");
    try (Connection client = pg.connect("shop")) {
      String restoreId = planAndConfirm("");
      await(restoreId, "dev.lifeboat.restore.completed");

      assertEquals(
          checksumsAtBackup, checksums("shop"), "every table's rows as before the migration");
      assertEquals(
          1,
          pg.queryLong(
              "shop",
              "SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'email'"),
          "the dropped column is back");
      assertEquals(
          broken, checksums("shop_pre_" + restoreId), "the broken version is kept as the undo");
      assertThrows(
          SQLException.class,
          () -> client.createStatement().executeQuery("SELECT 1"),
          "a session on the old database was ended at the swap");
      try (Connection again = pg.connect("shop")) {
        var rs = again.createStatement().executeQuery("SELECT count(*) FROM order_items");
        rs.next();
        assertEquals(6000, rs.getLong(1), "a new session reaches the restored database");
      }
      JsonNode restore = get(restoreId);
      assertEquals("shop_pre_" + restoreId, restore.path("undo").path("database").asText());
      assertEquals(100, restore.path("progress").path("percent").asInt());
      assertEquals(backup.sizeBytes(), restore.path("progress").path("bytesRestored").asLong());
      assertEquals(3, restore.path("progress").path("tablesRestored").asInt());
    }
  }

  /**
   * Answers the safety backup command the way backup-service does: a real backup of the database as
   * it is now, written to the bucket, and its events on lifeboat.events.
   */
  private Manifest answerSafetyBackup(String restoreId) throws Exception {
    JsonNode command;
    try (TopicRecorder requests = TestServers.kafka().recorder(Topics.BACKUP_REQUESTS)) {
      command =
          json.readTree(
              requests
                  .await(
                      r -> r.value().contains("\"pre-restore-" + restoreId + "\""),
                      1,
                      Duration.ofSeconds(60))
                  .get(0)
                  .value());
    }
    assertEquals("dev.lifeboat.backup.requested", command.path("type").asText());
    assertEquals(restoreId, command.path("correlationid").asText());
    assertEquals("pre-restore", command.path("data").path("reason").asText());
    assertEquals("rita", command.path("data").path("requestedBy").asText());
    Manifest safety = StoredBackupFixture.safetyBackup(pg, TestServers.s3(), "shop", restoreId);
    publish(
        "dev.lifeboat.backup.completed",
        restoreId,
        """
        {"backupId":"%s","database":"shop","objectKey":"%s","sizeBytes":%d,"dumpBytes":%d,
         "sha256":"%s","durationMillis":10,"tables":%d}"""
            .formatted(
                safety.backupId(),
                safety.objectKey(),
                safety.sizeBytes(),
                safety.dumpBytes(),
                safety.sha256(),
                safety.tables().size()));
    return safety;
  }

  private void publish(String type, String correlationId, String data) {
    TestServers.kafka()
        .send(
            Topics.EVENTS,
            "shop",
            """
            {"specversion":"1.0","id":"%s","source":"/test","type":"%s","subject":"shop",
             "time":"2026-01-01T00:00:00Z","correlationid":"%s","datacontenttype":"application/json",
             "data":%s}"""
                .formatted(UUID.randomUUID(), type, correlationId, data),
            Map.of());
  }

  @Test
  void anInPlaceRestoreTakesASafetyBackupFirstThenRecreatesTheDatabase() throws Exception {
    badMigration();
    Map<String, String> broken = checksums("shop");
    String restoreId = planAndConfirm(",\"mode\":\"IN_PLACE\"");
    Manifest safety = answerSafetyBackup(restoreId);
    String safetyId = safety.backupId();

    await(restoreId, "dev.lifeboat.restore.completed");
    assertEquals(checksumsAtBackup, checksums("shop"));
    JsonNode restore = get(restoreId);
    assertEquals(safetyId, restore.path("safetyBackupId").asText());
    assertEquals(
        List.of("DONE", "DONE", "DONE", "DONE", "DONE", "REQUESTED"),
        restore.path("steps").findValuesAsText("state"));
    // The safety backup holds the database as it was just before the restore.
    assertEquals(
        Long.parseLong(broken.get("order_items").split(":")[0]),
        safety.tables().stream()
            .filter(t -> t.name().equals("order_items"))
            .findFirst()
            .orElseThrow()
            .rows());
  }

  @Test
  void aFailedSafetyBackupFailsTheRestoreWithTheTargetUntouched() throws Exception {
    badMigration();
    Map<String, String> broken = checksums("shop");
    String restoreId = planAndConfirm(",\"mode\":\"IN_PLACE\"");
    publish(
        "dev.lifeboat.backup.failed",
        restoreId,
        "{\"backupId\":\"bk_20260101T000000Z_0badc0de\",\"database\":\"shop\",\"reason\":\"disk full\"}");

    JsonNode failed = await(restoreId, "dev.lifeboat.restore.failed");
    assertEquals("safety-backup", failed.path("data").path("step").asText());
    assertTrue(failed.path("data").path("reason").asText().contains("disk full"));
    assertEquals(broken, checksums("shop"), "nothing was touched");
  }

  @Test
  void aTablesRestoreBringsBackTheListedTablesAndKeepsTheOthers() throws Exception {
    badMigration();
    pg.execute("shop", "INSERT INTO customers (name) VALUES ('after the backup')");
    Map<String, String> broken = checksums("shop");
    String restoreId =
        planAndConfirm(
            ",\"mode\":\"TABLES\",\"tables\":[\"public.orders\",\"order_items\"],\"safetyBackup\":false");

    await(restoreId, "dev.lifeboat.restore.completed");
    Map<String, String> now = checksums("shop");
    assertEquals(checksumsAtBackup.get("orders"), now.get("orders"));
    assertEquals(checksumsAtBackup.get("order_items"), now.get("order_items"));
    assertEquals(broken.get("customers"), now.get("customers"), "customers was not restored");
    assertEquals(
        0,
        pg.queryLong("shop", "SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_lbr\\_%'"),
        "the set-aside tables, indexes and sequences are gone");
    assertEquals(
        4,
        pg.queryLong(
            "shop",
            "SELECT count(*) FROM pg_constraint WHERE contype IN ('f', 'p') AND conrelid IN ('orders'::regclass, 'order_items'::regclass)"),
        "keys and foreign keys are back");
    assertEquals(
        1,
        pg.queryLong(
            "shop", "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_by_customer'"));
    pg.execute("shop", "INSERT INTO orders (customer_id, total) VALUES (1, 1)");
    assertEquals(3001, pg.queryLong("shop", "SELECT max(id) FROM orders"), "the identity goes on");
    assertEquals(2, get(restoreId).path("progress").path("tablesRestored").asInt());
  }

  @Test
  void aTableThatViewsUseCannotBeRestoredAlone() {
    pg.execute("shop", "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100");
    given()
        .header("Authorization", bearer())
        .contentType("application/json")
        .body(
            "{\"backupId\":\""
                + backup.backupId()
                + "\",\"database\":\"shop\",\"mode\":\"TABLES\",\"tables\":[\"orders\"]}")
        .post("/api/v1/restores")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("public.orders is used by public.big_orders"));
    assertEquals(
        0,
        pg.queryLong("lifeboat_restore", "SELECT count(*) FROM restore.restores"),
        "nothing stored");
  }

  @Test
  void aTablesRestoreThatNoLongerFitsPutsTheTablesBack() throws Exception {
    // Rows added since the backup reference orders the backup lacks: the key cannot hold.
    pg.execute(
        "shop",
        """
        INSERT INTO orders (customer_id, total) SELECT 1, 5 FROM generate_series(1, 10);
        INSERT INTO order_items VALUES (90001, 3005, 'new');
        """);
    Map<String, String> before = checksums("shop");
    String restoreId =
        planAndConfirm(",\"mode\":\"TABLES\",\"tables\":[\"orders\"],\"safetyBackup\":false");

    JsonNode failed = await(restoreId, "dev.lifeboat.restore.failed");
    assertEquals("swap-tables", failed.path("data").path("step").asText());
    assertEquals(before, checksums("shop"), "the tables as they were are back");
    assertEquals(
        0, pg.queryLong("shop", "SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_lbr\\_%'"));
    assertEquals(
        1,
        pg.queryLong(
            "shop",
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'order_items'::regclass"),
        "the foreign key of order_items is back");
  }

  @Test
  void aTablesRestoreInterruptedByACrashPutsTheTablesBackAndRunsAgain() throws Exception {
    badMigration();
    Map<String, String> broken = checksums("shop");
    String restoreId =
        given()
            .header("Authorization", bearer())
            .contentType("application/json")
            .body(
                "{\"backupId\":\""
                    + backup.backupId()
                    + "\",\"database\":\"shop\",\"mode\":\"TABLES\",\"tables\":[\"orders\"],\"safetyBackup\":false}")
            .post("/api/v1/restores")
            .then()
            .statusCode(201)
            .extract()
            .path("restoreId");
    // As a crash leaves it: orders renamed aside, order_items' key to it taken off, the set-aside
    // recorded, the restore running and its command unacknowledged.
    var target =
        new TargetDatabase(
            "shop",
            pg.host(),
            pg.port(),
            "shop",
            pg.username(),
            Optional.of(pg.password()),
            Optional.empty(),
            7,
            Optional.empty());
    var aside =
        TableSwap.plan(
            target,
            List.of(new TableName("public", "orders")),
            restoreId.substring(restoreId.length() - 8));
    assertEquals(1, aside.keys().size(), "order_items' foreign key to orders");
    try (var c = pg.connect("lifeboat_restore");
        var s =
            c.prepareStatement(
                "UPDATE restore.restores SET status = 'RUNNING', set_aside = ?::jsonb WHERE restore_id = ?")) {
      s.setString(1, json.writeValueAsString(aside));
      s.setString(2, restoreId);
      assertEquals(1, s.executeUpdate());
    }
    TableSwap.apply(target, aside);
    assertEquals(
        1,
        pg.queryLong(
            "shop", "SELECT count(*) FROM pg_class WHERE relname LIKE 'orders\\_lbr\\_%'"));

    TestServers.kafka()
        .send(
            Topics.RESTORE_COMMANDS,
            "shop",
            """
            {"specversion":"1.0","id":"%s","source":"/lifeboat/restore-service","type":"dev.lifeboat.restore.confirmed",
             "subject":"shop","correlationid":"%s","data":{"restoreId":"%s","backupId":"%s","database":"shop",
             "mode":"TABLES","tables":["public.orders"],"safetyBackup":false,"confirmedBy":"rita"}}"""
                .formatted(UUID.randomUUID(), restoreId, restoreId, backup.backupId()),
            Map.of());

    await(restoreId, "dev.lifeboat.restore.completed");
    Map<String, String> now = checksums("shop");
    assertEquals(checksumsAtBackup.get("orders"), now.get("orders"), "orders restored");
    assertEquals(broken.get("order_items"), now.get("order_items"), "order_items as it was");
    assertEquals(
        0, pg.queryLong("shop", "SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_lbr\\_%'"));
    assertEquals(
        1,
        pg.queryLong(
            "shop",
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'order_items'::regclass"),
        "order_items' foreign key is back, onto the restored orders");
  }

  /** A database big enough that its restore is still running when the test acts. */
  private void bigShop() throws Exception {
    pg.execute(
        "shop",
        """
        CREATE TABLE events (id int PRIMARY KEY, body text);
        INSERT INTO events SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)
          FROM generate_series(1, 700000) g;
        """);
    backup = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    pg.execute("shop", "DELETE FROM events WHERE id > 100");
  }

  private void awaitRestoringData(String restoreId) throws Exception {
    events.await(
        r ->
            r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                && r.value().contains("dev.lifeboat.restore.progress")
                && r.value().contains("\"step\":\"restore-scratch\"")
                && !r.value().contains("\"bytesRestored\":0"),
        1,
        Duration.ofSeconds(60));
  }

  @Test
  void aRunningRestoreCancelledBeforeItsSwapLeavesTheTargetAsItWas() throws Exception {
    bigShop();
    Map<String, String> before = checksums("shop");
    String restoreId = planAndConfirm("");
    awaitRestoringData(restoreId);

    given()
        .header("Authorization", bearer())
        .post("/api/v1/restores/" + restoreId + "/cancel")
        .then()
        .statusCode(202)
        .body("cancelRequestedBy", equalTo("rita"));
    JsonNode cancelled = await(restoreId, "dev.lifeboat.restore.cancelled");
    assertEquals("rita", cancelled.path("data").path("cancelledBy").asText());
    assertEquals(before, checksums("shop"));
    assertEquals(100, pg.queryLong("shop", "SELECT count(*) FROM events"));
    assertEquals(0, databases("shop\\_lbr\\_%"), "the scratch database is dropped");
    JsonNode restore = get(restoreId);
    assertEquals("CANCELLED", restore.path("status").asText());
    assertTrue(restore.path("progress").path("bytesRestored").asLong() > 0);
    given()
        .header("Authorization", bearer())
        .post("/api/v1/restores/" + restoreId + "/cancel")
        .then()
        .statusCode(409);
  }

  @Test
  void aCompletedSwapCannotBeCancelled() throws Exception {
    String restoreId = planAndConfirm("");
    await(restoreId, "dev.lifeboat.restore.completed");
    given()
        .header("Authorization", bearer())
        .post("/api/v1/restores/" + restoreId + "/cancel")
        .then()
        .statusCode(409)
        .body("detail", containsString("COMPLETED"));
  }

  @Test
  void aRestoreWhosePgRestoreIsKilledFailsAndLeavesTheTargetUntouched() throws Exception {
    bigShop();
    Map<String, String> before = checksums("shop");
    String restoreId = planAndConfirm("");
    awaitRestoringData(restoreId);

    List<ProcessHandle> pgRestores =
        ProcessHandle.current()
            .descendants()
            .filter(p -> p.info().command().orElse("").endsWith("pg_restore"))
            .toList();
    assertEquals(1, pgRestores.size(), "one pg_restore runs");
    pgRestores.get(0).destroyForcibly();

    JsonNode failed = await(restoreId, "dev.lifeboat.restore.failed");
    assertEquals("restore-scratch", failed.path("data").path("step").asText());
    assertEquals(before, checksums("shop"), "the target is untouched");
    assertEquals(0, databases("shop\\_lbr\\_%"), "the scratch database is dropped");
  }

  @Test
  void healthServicesCheckIsAttachedToTheRestore() throws Exception {
    String restoreId = planAndConfirm("");
    await(restoreId, "dev.lifeboat.restore.completed");

    publish(
        "dev.lifeboat.health.checked",
        restoreId,
        """
        {"checkId":"ck_1","database":"shop","status":"DEGRADED","baselineBackupId":"%s",
         "findings":1,"trigger":"restore.completed"}"""
            .formatted(backup.backupId()));

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(restoreId).path("healthCheck").path("status").asText().equals("DEGRADED"));
    JsonNode restore = get(restoreId);
    assertEquals("ck_1", restore.path("healthCheck").path("checkId").asText());
    assertEquals("DEGRADED", restore.path("steps").get(4).path("state").asText());
  }

  @Test
  void aPlanWarnsWhenTheBackupFailedVerification() throws Exception {
    publish(
        "dev.lifeboat.backup.verification-failed",
        "vf-" + UUID.randomUUID(),
        """
        {"verificationId":"vf_1","backupId":"%s","database":"shop","reason":"drill: row counts differ"}"""
            .formatted(backup.backupId()));

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                given()
                        .header("Authorization", bearer())
                        .contentType("application/json")
                        .body("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"}")
                        .queryParam("dryRun", true)
                        .post("/api/v1/restores")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("warnings")
                        .size()
                    == 1);
    given()
        .header("Authorization", bearer())
        .contentType("application/json")
        .body("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"}")
        .post("/api/v1/restores")
        .then()
        .statusCode(201)
        .body("warnings[0]", containsString("failed verification vf_1"))
        .body("warnings[0]", containsString("row counts differ"));
  }

  @Test
  void undosBeyondTheirRetentionAreDropped() throws Exception {
    String restoreId = planAndConfirm("");
    await(restoreId, "dev.lifeboat.restore.completed");
    String undo = "shop_pre_" + restoreId;
    assertTrue(undoRetention.apply().isEmpty(), "a fresh undo is kept");
    assertEquals(1, databases(undo));

    pg.execute(
        "lifeboat_restore",
        "UPDATE restore.restores SET finished_at = now() - interval '8 days' WHERE restore_id = '"
            + restoreId
            + "'");
    assertEquals(List.of(undo), undoRetention.apply());
    assertEquals(0, databases(undo));
    assertFalse(get(restoreId).path("undo").path("droppedAt").isMissingNode());
  }

  @Test
  @SuppressWarnings("try") // the resource is held, not used: a running service, a held lock
  void aRestoreWaitsForARunningBackupOfItsDatabase() throws Exception {
    badMigration();
    Map<String, String> broken = checksums("shop");
    var target =
        new TargetDatabase(
            "shop",
            pg.host(),
            pg.port(),
            "shop",
            pg.username(),
            Optional.of(pg.password()),
            Optional.empty(),
            7,
            Optional.empty());
    String restoreId;
    try (DatabaseLocks.Lease backupRunning = DatabaseLocks.shared(target, Duration.ZERO)) {
      restoreId = planAndConfirm("");
      await(restoreId, "dev.lifeboat.restore.progress"); // under way, checksum first
      // Then at the database's lock, blocked: its session waits on the advisory lock.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  pg.queryLong(
                          "postgres",
                          "SELECT count(*) FROM pg_stat_activity WHERE datname = 'postgres'"
                              + " AND wait_event_type = 'Lock' AND wait_event = 'advisory'")
                      == 1);
      assertEquals("RUNNING", get(restoreId).path("status").asText());
      assertEquals(broken, checksums("shop"), "nothing happens while the backup runs");
      assertEquals(0, databases("shop\\_lbr\\_%"));
    }
    await(restoreId, "dev.lifeboat.restore.completed");
    assertEquals(checksumsAtBackup, checksums("shop"));
  }
}
