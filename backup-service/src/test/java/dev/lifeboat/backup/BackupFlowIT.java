package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Backups end to end: commands on the real broker, dumps of a real database, objects in real S3.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "app"),
      @ResourceArg(name = "control", value = "lifeboat"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class BackupFlowIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final StoredBackups stored = new StoredBackups(TestServers.s3());
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;

  @BeforeEach
  void shop() {
    ShopDatabase.create(pg, "app");
    events = kafka.recorder(Topics.EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  private static String command(String id, String database, String migration) {
    return """
        {"specversion":"1.0","id":"%s","source":"/pipelines/app-deploy","type":"dev.lifeboat.backup.requested",
         "subject":"%s","datacontenttype":"application/json",
         "data":{"database":"%s","reason":"pre-migration","migration":"%s",
                 "requestedBy":"deploy-pipeline","labels":{"release":"v1.4.0"}}}"""
        .formatted(id, database, database, migration);
  }

  private JsonNode awaitEvent(String correlationId, String type) {
    return parse(events.await(r -> is(r, correlationId, type), 1, WAIT).get(0));
  }

  private boolean is(ConsumerRecord<String, String> record, String correlationId, String type) {
    JsonNode event = parse(record);
    return correlationId.equals(event.path("correlationid").asText())
        && type.equals(event.path("type").asText());
  }

  private JsonNode parse(ConsumerRecord<String, String> record) {
    try {
      return json.readTree(record.value());
    } catch (Exception e) {
      return json.createObjectNode();
    }
  }

  /** {@code GET /api/v1/backups/{backupId}}, as a viewer sees it. */
  private static String shown(String backupId) {
    return given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + backupId)
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("alice", role);
  }

  @Test
  void aPipelineCommandBecomesABackupWhoseManifestCountsAreExactAndWhichRestoresWithStandardTools()
      throws Exception {
    String id = "deploy-" + UUID.randomUUID();
    Map<String, Long> counts = ShopDatabase.counts(pg, "app");
    long fingerprint = ShopDatabase.fingerprint(pg, "app");

    kafka.send(
        Topics.BACKUP_REQUESTS, "app", command(id, "app", "20260103_add_escrow_status"), Map.of());

    JsonNode completed = awaitEvent(id, "dev.lifeboat.backup.completed");
    String backupId = completed.path("data").path("backupId").asText();
    assertTrue(backupId.matches("bk_\\d{8}T\\d{6}Z_[0-9a-f]{8}"), backupId);

    JsonNode manifest = stored.manifest("app", backupId);
    assertEquals(1, manifest.path("manifestVersion").asInt());
    assertEquals(backupId, manifest.path("backupId").asText());
    assertEquals("app", manifest.path("database").asText());
    assertEquals("pg_dump-custom", manifest.path("format").asText());
    assertEquals("zstd", manifest.path("compression").asText());
    assertTrue(manifest.path("encryption").isNull());
    assertEquals("app/" + backupId + "/dump", manifest.path("objectKey").asText());
    assertEquals("20260103_add_escrow_status", manifest.path("migration").asText());
    assertEquals("pre-migration", manifest.path("reason").asText());
    assertEquals("deploy-pipeline", manifest.path("requestedBy").asText());
    assertEquals("v1.4.0", manifest.path("labels").path("release").asText());
    assertEquals(id, manifest.path("correlationId").asText());
    assertFalse(manifest.path("pinned").asBoolean());
    assertTrue(manifest.path("serverVersion").asText().matches("\\d+.*"));
    assertFalse(manifest.toString().contains(pg.password()), "no password in the manifest");

    Map<String, Long> manifestCounts = new HashMap<>();
    for (JsonNode table : manifest.path("tables")) {
      manifestCounts.put(
          table.path("schema").asText() + "." + table.path("name").asText(),
          table.path("rows").asLong());
      // bytes: the table's size on disk (pg_table_size) when it was dumped; a table with rows
      // takes at least a page, and at least a byte per row.
      assertTrue(table.has("bytes") && table.get("bytes").isIntegralNumber(), table.toString());
      long rows = table.path("rows").asLong();
      long bytes = table.get("bytes").asLong();
      assertTrue(rows == 0 ? bytes >= 0 : bytes > 0 && bytes >= rows, table.toString());
    }
    assertEquals(
        counts,
        Map.copyOf(manifestCounts).entrySet().stream()
            .filter(e -> counts.containsKey(e.getKey()))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertEquals(
        counts.size(), manifestCounts.size(), "every table, no more: " + manifestCounts.keySet());

    // The API shows the manifest plus status: every field of it, nulls included, and the same.
    JsonNode shown = json.readTree(shown(backupId));
    assertEquals("COMPLETED", shown.path("status").asText());
    manifest
        .fieldNames()
        .forEachRemaining(
            field -> {
              assertTrue(shown.has(field), "the API shows the manifest's " + field + ": " + shown);
              if (!field.endsWith("At")) {
                assertEquals(manifest.get(field), shown.get(field), field);
              }
            });

    byte[] dump = stored.read("app/" + backupId + "/dump");
    assertEquals(dump.length, manifest.path("sizeBytes").asLong());
    assertEquals(StoredBackups.sha256(dump), manifest.path("sha256").asText());
    assertTrue(manifest.path("dumpBytes").asLong() > dump.length, "compressed");
    assertEquals(manifest.path("sha256").asText(), completed.path("data").path("sha256").asText());

    StoredBackups.restoreByHand(pg, dump, "app_restored_by_hand");
    assertEquals(counts, ShopDatabase.counts(pg, "app_restored_by_hand"));
    assertEquals(fingerprint, ShopDatabase.fingerprint(pg, "app_restored_by_hand"));

    JsonNode requested = awaitEvent(id, "dev.lifeboat.backup.requested");
    assertEquals(backupId, requested.path("data").path("backupId").asText());
    assertEquals("app", requested.path("subject").asText());
    awaitEvent(id, "dev.lifeboat.backup.started");
  }

  @Test
  void theSameCommandTwiceYieldsOneBackup() {
    String id = "twice-" + UUID.randomUUID();
    String marker = "marker-" + UUID.randomUUID();
    kafka.send(Topics.BACKUP_REQUESTS, "app", command(id, "app", "m1"), Map.of());
    kafka.send(Topics.BACKUP_REQUESTS, "app", command(id, "app", "m1"), Map.of());
    kafka.send(Topics.BACKUP_REQUESTS, "app", command(marker, "app", "m2"), Map.of());

    // Commands are handled in order: once the later one completed, the duplicate was seen too.
    events.await(r -> is(r, marker, "dev.lifeboat.backup.completed"), 1, WAIT);
    List<ConsumerRecord<String, String>> seen = events.matching(r -> true);
    long completedForId =
        seen.stream().filter(r -> is(r, id, "dev.lifeboat.backup.completed")).count();
    long requestedForId =
        seen.stream().filter(r -> is(r, id, "dev.lifeboat.backup.requested")).count();
    assertEquals(1, completedForId, "one backup completed for the command");
    assertEquals(1, requestedForId, "and it was requested once");

    var backups =
        given()
            .header("Authorization", bearer(Roles.VIEWER))
            .queryParam("database", "app")
            .queryParam("limit", 1000)
            .get("/api/v1/backups")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("correlationId", String.class);
    assertEquals(1, backups.stream().filter(id::equals).count());
  }

  /**
   * A command delivered again for a backup that has finished appends its ending to the outbox
   * again, under the id it first had: nothing goes out while the outbox still holds the row, and
   * once retention has deleted it the same event is published again (consumers store it once).
   */
  @Test
  void aCommandForAFinishedBackupAnnouncesItsEndingAgainUnderTheSameId() {
    for (String[] endings :
        List.of(
            new String[] {"app", "dev.lifeboat.backup.completed"},
            new String[] {"locked", "dev.lifeboat.backup.failed"})) {
      String database = endings[0];
      String type = endings[1];
      String id = "again-" + database + "-" + UUID.randomUUID();
      kafka.send(Topics.BACKUP_REQUESTS, database, command(id, database, "m"), Map.of());
      String eventId = awaitEvent(id, type).path("id").asText();

      // Each database's events keep their order: the marker's ending comes after any second copy.
      String marker = "marker-" + UUID.randomUUID();
      kafka.send(Topics.BACKUP_REQUESTS, database, command(id, database, "m"), Map.of());
      kafka.send(Topics.BACKUP_REQUESTS, database, command(marker, database, "m"), Map.of());
      awaitEvent(marker, type);
      assertEquals(1, events.matching(r -> is(r, id, type)).size(), type + " not appended twice");

      pg.execute("lifeboat", "DELETE FROM backup.outbox WHERE event_id = '" + eventId + "'");
      kafka.send(Topics.BACKUP_REQUESTS, database, command(id, database, "m"), Map.of());
      var copies = events.await(r -> is(r, id, type), 2, WAIT);
      assertEquals(eventId, parse(copies.get(1)).path("id").asText(), type + " keeps its id");
    }
  }

  @Test
  void invalidCommandsAreDeadLetteredAndNothingIsDumped() throws Exception {
    String run = UUID.randomUUID().toString();
    try (var dlq = kafka.consumer(Topics.DEAD_LETTERS)) {
      kafka.send(Topics.BACKUP_REQUESTS, "shop", command(run + "-unknown", "shop", "m"), Map.of());
      kafka.send(
          Topics.BACKUP_REQUESTS,
          "x",
          command(run + "-bad-name", "app\\\"; DROP DATABASE app; --", "m")
              .replace("\"subject\":\"app\\\"; DROP DATABASE app; --\",", ""),
          Map.of());
      kafka.send(Topics.BACKUP_REQUESTS, "app", "{\"id\":\"" + run + "-broken\",", Map.of());

      var dead = kafka.await(dlq, r -> r.value().contains(run), 3, WAIT);
      assertEquals(
          "unknown database \"shop\": not configured under lifeboat.databases",
          new String(dead.get(0).headers().lastHeader("dead-letter-reason").value()));
      assertTrue(
          new String(dead.get(1).headers().lastHeader("dead-letter-reason").value())
              .startsWith("data.database must be"));
      assertTrue(
          new String(dead.get(2).headers().lastHeader("dead-letter-reason").value())
              .startsWith("message is not valid JSON"));
    }
    awaitEvent(run + "-unknown", "dev.lifeboat.command.rejected");
    awaitEvent(run + "-bad-name", "dev.lifeboat.command.rejected");

    assertEquals(List.of(), stored.keys("shop/"));
    var correlations =
        given()
            .header("Authorization", bearer(Roles.VIEWER))
            .queryParam("limit", 1000)
            .get("/api/v1/backups")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("correlationId", String.class);
    assertTrue(correlations.stream().noneMatch(c -> c.startsWith(run)), "no backup was recorded");
  }

  @Test
  void theApiRequestsABackupThroughTheSamePathAndHonoursIdempotencyKey() {
    String key = "api-" + UUID.randomUUID();
    String location =
        given()
            .header("Authorization", bearer(Roles.PIPELINE))
            .header("Idempotency-Key", key)
            .contentType("application/json")
            .body(
                "{\"database\":\"app\",\"reason\":\"manual\",\"migration\":\"m-api\",\"labels\":{\"ticket\":\"OPS-1\"}}")
            .post("/api/v1/backups")
            .then()
            .statusCode(202)
            .body("status", equalTo("REQUESTED"))
            .body("backupId", startsWith("bk_"))
            .extract()
            .header("Location");
    String backupId = location.substring(location.lastIndexOf('/') + 1);
    assertTrue(location.endsWith("/api/v1/backups/" + backupId), location);

    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .header("Idempotency-Key", key)
        .contentType("application/json")
        .body("{\"database\":\"app\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(202)
        .body("backupId", equalTo(backupId));

    await()
        .atMost(WAIT)
        .until(() -> "COMPLETED".equals(json.readTree(shown(backupId)).path("status").asText()));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + backupId)
        .then()
        .body("database", equalTo("app"))
        .body("requestedBy", equalTo("alice"))
        .body("migration", equalTo("m-api"))
        .body("labels.ticket", equalTo("OPS-1"))
        .body("correlationId", equalTo(key))
        .body("tables.find { it.name == 'orders' }.rows", equalTo(12000))
        .body("objectKey", equalTo("app/" + backupId + "/dump"));
    awaitEvent(key, "dev.lifeboat.backup.completed");
  }

  @Test
  void badApiRequestsChangeNothing() {
    int before =
        given()
            .header("Authorization", bearer(Roles.VIEWER))
            .queryParam("limit", 1000)
            .get("/api/v1/backups")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$")
            .size();

    given()
        .contentType("application/json")
        .body("{\"database\":\"app\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .contentType("application/json")
        .body("{\"database\":\"app\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\":\"shop\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(400)
        .body(
            "detail",
            equalTo("unknown database \"shop\": not configured under lifeboat.databases"));
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\":\"../app\",\"reason\":\"" + "x".repeat(300) + "\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("violations.size()", equalTo(2));
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body("{\"database\":")
        .post("/api/v1/backups")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/bk_20260102T143022Z_00000000")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/not-an-id")
        .then()
        .statusCode(400);

    int after =
        given()
            .header("Authorization", bearer(Roles.VIEWER))
            .queryParam("limit", 1000)
            .get("/api/v1/backups")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("$")
            .size();
    assertEquals(before, after);
  }

  @Test
  void aDumpThatCannotConnectFailsWithAReasonAndLeavesNoObjects() throws Exception {
    String backupId = BackupApi.requestBackup("locked");
    String reason = BackupApi.failureReason(backupId, WAIT);
    assertTrue(reason.contains("password authentication failed"), reason);
    assertFalse(reason.contains(pg.password()), "no credentials in the reason");
    assertEquals(List.of(), stored.keys("locked/" + backupId + "/"));

    // Neither the real password nor the wrong one configured for "locked" appears in any event.
    events.await(
        r -> r.value().contains(backupId) && r.value().contains("dev.lifeboat.backup.failed"),
        1,
        WAIT);
    var all = events.matching(r -> true);
    assertTrue(all.size() > 3);
    assertTrue(
        all.stream().noneMatch(r -> r.value().contains(pg.password())), "no password in any event");
  }

  @Test
  void writesDuringTheBackupDoNotBreakConsistency() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicLong written = new AtomicLong();
    Thread writer =
        new Thread(
            () -> {
              try (var c = pg.connect("app");
                  var insert =
                      c.prepareStatement(
                          "INSERT INTO orders (customer_id, note, amount) VALUES (1, 'during backup', 1)")) {
                while (writing.get()) {
                  insert.executeUpdate();
                  written.incrementAndGet();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    await().until(() -> written.get() > 100);
    String id = "concurrent-" + UUID.randomUUID();
    kafka.send(Topics.BACKUP_REQUESTS, "app", command(id, "app", "m"), Map.of());
    String backupId =
        awaitEvent(id, "dev.lifeboat.backup.completed").path("data").path("backupId").asText();
    writing.set(false);
    writer.join();

    JsonNode manifest = stored.manifest("app", backupId);
    StoredBackups.restoreByHand(pg, stored.read("app/" + backupId + "/dump"), "app_consistent");
    Map<String, Long> restored = ShopDatabase.counts(pg, "app_consistent");
    for (JsonNode table : manifest.path("tables")) {
      assertEquals(
          table.path("rows").asLong(),
          restored.get(table.path("schema").asText() + "." + table.path("name").asText()),
          table.toString());
    }
    assertNotEquals(
        restored.get("public.orders"),
        ShopDatabase.counts(pg, "app").get("public.orders"),
        "rows kept arriving after the snapshot");
  }

  @Test
  void pinnedBackupsCannotBeDeletedAndDeletedOnesAreGone() throws Exception {
    String id = "pin-" + UUID.randomUUID();
    kafka.send(Topics.BACKUP_REQUESTS, "app", command(id, "app", "m"), Map.of());
    String backupId =
        awaitEvent(id, "dev.lifeboat.backup.completed").path("data").path("backupId").asText();

    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .put("/api/v1/backups/" + backupId + "/pin")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .put("/api/v1/backups/" + backupId + "/pin")
        .then()
        .statusCode(200)
        .body("pinned", equalTo(true));
    assertTrue(
        stored.manifest("app", backupId).path("pinned").asBoolean(),
        "the stored manifest says so too");

    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .delete("/api/v1/backups/" + backupId)
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    assertEquals(2, stored.keys("app/" + backupId + "/").size(), "nothing was deleted");

    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .delete("/api/v1/backups/" + backupId + "/pin")
        .then()
        .statusCode(200)
        .body("pinned", equalTo(false));
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .delete("/api/v1/backups/" + backupId)
        .then()
        .statusCode(204);

    assertEquals(List.of(), stored.keys("app/" + backupId + "/"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + backupId)
        .then()
        .statusCode(404);
    JsonNode pruned = awaitEvent(id, "dev.lifeboat.backup.pruned");
    assertEquals("deleted by alice", pruned.path("data").path("reason").asText());
  }
}
