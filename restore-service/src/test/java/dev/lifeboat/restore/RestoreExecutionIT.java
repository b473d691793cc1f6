package dev.lifeboat.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import dev.lifeboat.testsupport.TopicRecorder;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Confirmed restores executed against a real database, from a real stored backup. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_restore")
    })
class RestoreExecutionIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;
  private Manifest backup;

  @BeforeEach
  void shopAfterABadMigration() throws Exception {
    pg.execute("lifeboat_restore", "DELETE FROM restore.restores");
    // From scratch: other tests swap and replace this database.
    pg.dropDatabase("shop");
    pg.createDatabase("shop");
    pg.execute(
        "shop",
        """
        CREATE TABLE customers (id int PRIMARY KEY, name text);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers, note text);
        INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
        INSERT INTO orders SELECT g, 1 + g % 50, E'a\\nb ' || g FROM generate_series(1, 5000) g;
        """);
    backup = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    pg.execute("shop", "DELETE FROM orders WHERE id % 2 = 0"); // the bad migration
    events = TestServers.kafka().recorder(Topics.EVENTS);
  }

  @AfterEach
  void cleanUp() throws Exception {
    events.close();
    try (var c = pg.connect("postgres");
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'shop\\_%'")) {
      List<String> leftovers = new java.util.ArrayList<>();
      while (rs.next()) {
        leftovers.add(rs.getString(1));
      }
      leftovers.forEach(pg::dropDatabase);
    }
  }

  private static String bearer() {
    return "Bearer " + Tokens.forRoles("rita", Roles.RESPONDER);
  }

  private String planAndConfirm(String body) {
    var planned =
        given()
            .header("Authorization", bearer())
            .contentType("application/json")
            .body(body)
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

  private JsonNode await(String restoreId, String type) throws Exception {
    return json.readTree(
        events
            .await(
                r ->
                    r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                        && r.value().contains("\"type\":\"" + type + "\""),
                1,
                Duration.ofSeconds(60))
            .get(0)
            .value());
  }

  @Test
  void aSwapRestoresTheBackupAndKeepsTheOldDatabaseAsTheUndo() throws Exception {
    String restoreId =
        planAndConfirm("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"}");

    JsonNode completed = await(restoreId, "dev.lifeboat.restore.completed");
    assertEquals("SWAP", completed.path("data").path("mode").asText(), completed.toString());
    assertEquals(
        5000, pg.queryLong("shop", "SELECT count(*) FROM orders"), "the backup's rows are back");
    assertEquals(
        1, pg.queryLong("shop", "SELECT count(*) FROM orders WHERE id = 2 AND note = E'a\\nb 2'"));
    assertEquals(
        2500,
        pg.queryLong("shop_pre_" + restoreId, "SELECT count(*) FROM orders"),
        "the database as it was is kept under shop_pre_<restoreId>");
    given()
        .header("Authorization", bearer())
        .get("/api/v1/restores/" + restoreId)
        .then()
        .body("status", equalTo("COMPLETED"))
        .body("steps.state", equalTo(List.of("DONE", "DONE", "DONE", "DONE", "REQUESTED")));
    JsonNode started = await(restoreId, "dev.lifeboat.restore.started");
    assertEquals("SWAP", started.path("data").path("mode").asText());
    assertTrue(
        events
                .matching(
                    r -> r.value().contains(restoreId) && r.value().contains("restore.progress"))
                .size()
            >= 4);
  }

  @Test
  void aDamagedBackupIsRefusedBeforeAnythingIsTouched() throws Exception {
    byte[] damaged = "not the backup".getBytes();
    TestServers.s3()
        .client()
        .putObject(
            PutObjectArgs.builder()
                .bucket(S3Resource.DEFAULT_BUCKET)
                .object(backup.objectKey())
                .stream(new ByteArrayInputStream(damaged), damaged.length, -1)
                .build());

    String restoreId =
        planAndConfirm("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"}");

    JsonNode failed = await(restoreId, "dev.lifeboat.restore.failed");
    assertEquals("verify-checksum", failed.path("data").path("step").asText());
    assertTrue(failed.path("data").path("reason").asText().contains("damaged"), failed.toString());
    assertEquals(
        2500, pg.queryLong("shop", "SELECT count(*) FROM orders"), "the target is untouched");
    assertEquals(
        0,
        pg.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'shop\\_%'"),
        "no scratch database left");
    given()
        .header("Authorization", bearer())
        .get("/api/v1/restores/" + restoreId)
        .then()
        .body("status", equalTo("FAILED"))
        .body("finishedReason", containsString("damaged"))
        .body("steps[0].state", equalTo("FAILED"));
    // What the "restore failed" alert reads.
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("lifeboat_restore_failures_total{database=\"shop\"}"));
  }

  /**
   * Plans a restore, then makes it look as a crash leaves it: running, its command unacknowledged.
   */
  private String interruptedRestore() {
    String restoreId =
        given()
            .header("Authorization", bearer())
            .contentType("application/json")
            .body("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"}")
            .post("/api/v1/restores")
            .then()
            .statusCode(201)
            .extract()
            .path("restoreId");
    pg.execute(
        "lifeboat_restore",
        "UPDATE restore.restores SET status = 'RUNNING' WHERE restore_id = '" + restoreId + "'");
    return restoreId;
  }

  private void redeliver(String restoreId) {
    TestServers.kafka()
        .send(
            Topics.RESTORE_COMMANDS,
            "shop",
            """
        {"specversion":"1.0","id":"%s","source":"/lifeboat/restore-service","type":"dev.lifeboat.restore.confirmed",
         "subject":"shop","correlationid":"%s","data":{"restoreId":"%s","backupId":"%s","database":"shop",
         "mode":"SWAP","tables":[],"safetyBackup":false,"confirmedBy":"rita"}}"""
                .formatted(java.util.UUID.randomUUID(), restoreId, restoreId, backup.backupId()),
            java.util.Map.of());
  }

  @Test
  void aRestoreInterruptedBeforeItsSwapDropsItsScratchAndRunsAgain() throws Exception {
    String restoreId = interruptedRestore();
    String scratch = "shop_lbr_" + restoreId.substring(restoreId.length() - 8);
    pg.createDatabase(scratch);
    pg.execute(scratch, "CREATE TABLE half_restored (x int)");

    redeliver(restoreId);

    await(restoreId, "dev.lifeboat.restore.completed");
    assertEquals(5000, pg.queryLong("shop", "SELECT count(*) FROM orders"));
    assertEquals(
        0,
        pg.queryLong("shop", "SELECT count(*) FROM pg_class WHERE relname = 'half_restored'"),
        "the leftover scratch database was dropped, not swapped in");
    assertEquals(
        0,
        pg.queryLong(
            "postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + scratch + "'"));
  }

  @Test
  void aRestoreInterruptedAfterItsSwapIsComplete() throws Exception {
    String restoreId = interruptedRestore();
    // The crash came right after the swap: the undo exists and the target is the restored
    // database, which carries the restore's mark (as the scratch database it was).
    pg.execute("postgres", "ALTER DATABASE shop RENAME TO \"shop_pre_" + restoreId + "\"");
    pg.createDatabase("shop");
    pg.execute("postgres", "COMMENT ON DATABASE shop IS 'lifeboat:restore=" + restoreId + "'");
    pg.execute("shop", "CREATE TABLE marker (x int)");

    redeliver(restoreId);

    await(restoreId, "dev.lifeboat.restore.completed");
    assertEquals(
        1,
        pg.queryLong("shop", "SELECT count(*) FROM pg_class WHERE relname = 'marker'"),
        "not restored a second time");
    given()
        .header("Authorization", bearer())
        .get("/api/v1/restores/" + restoreId)
        .then()
        .body("status", equalTo("COMPLETED"));
  }

  @Test
  void badRestoreCommandsAreDeadLetteredAndNothingRuns() throws Exception {
    String run = java.util.UUID.randomUUID().toString();
    try (TopicRecorder dlq = TestServers.kafka().recorder(Topics.DEAD_LETTERS)) {
      TestServers.kafka()
          .send(
              Topics.RESTORE_COMMANDS,
              "shop",
              "{\"id\":\"" + run + "\", broken",
              java.util.Map.of());
      TestServers.kafka()
          .send(
              Topics.RESTORE_COMMANDS,
              "shop",
              """
          {"specversion":"1.0","id":"%s","source":"/somewhere","type":"dev.lifeboat.restore.confirmed",
           "subject":"shop","data":{"restoreId":"rs_20200101T000000Z_00000000","backupId":"%s","database":"shop",
           "mode":"SWAP","tables":[],"safetyBackup":false}}"""
                  .formatted(run, backup.backupId()),
              java.util.Map.of());

      var dead = dlq.await(r -> r.value().contains(run), 2, Duration.ofSeconds(30));
      assertTrue(
          new String(dead.get(0).headers().lastHeader("dead-letter-reason").value())
              .startsWith("message is not valid JSON"));
      assertEquals(
          "unknown restore rs_20200101T000000Z_00000000",
          new String(dead.get(1).headers().lastHeader("dead-letter-reason").value()));
    }
    assertEquals(2500, pg.queryLong("shop", "SELECT count(*) FROM orders"), "nothing ran");
    assertEquals(
        0,
        pg.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'shop\\_%'"));
  }

  @Test
  void aNewDatabaseRestoreLeavesTheTargetAlone() throws Exception {
    String restoreId =
        planAndConfirm(
            "{\"backupId\":\""
                + backup.backupId()
                + "\",\"database\":\"shop\",\"mode\":\"NEW_DATABASE\",\"newDatabase\":\"shop_forensics\"}");

    await(restoreId, "dev.lifeboat.restore.completed");
    assertEquals(5000, pg.queryLong("shop_forensics", "SELECT count(*) FROM orders"));
    assertEquals(
        2500, pg.queryLong("shop", "SELECT count(*) FROM orders"), "the target is untouched");
  }
}
