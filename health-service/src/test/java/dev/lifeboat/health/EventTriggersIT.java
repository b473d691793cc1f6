package dev.lifeboat.health;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.health.running.CheckTurns;
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
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks started by other services' events on lifeboat.events. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_health"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class EventTriggersIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;

  @Inject CheckTurns locks;

  @BeforeEach
  void shop() throws Exception {
    StoredBackupFixture.clear(TestServers.s3(), ShopDatabase.NAME);
    ShopDatabase.create(pg);
    events = TestServers.kafka().recorder(Topics.EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  private static void publish(String id, String type, String correlationId, String data) {
    publish(id, type, correlationId, data, OffsetDateTime.now(ZoneOffset.UTC));
  }

  private static void publish(
      String id, String type, String correlationId, String data, OffsetDateTime time) {
    String event =
        "{\"specversion\":\"1.0\",\"id\":\""
            + id
            + "\",\"source\":\"/pipelines/app-deploy\",\"type\":\""
            + type
            + "\",\"subject\":\"shop\",\"time\":\""
            + time
            + "\",\"datacontenttype\":\"application/json\",\"correlationid\":\""
            + correlationId
            + "\",\"data\":"
            + data
            + "}";
    TestServers.kafka()
        .send(Topics.EVENTS, "shop", event, Map.of("content-type", "application/cloudevents+json"));
  }

  private JsonNode checked(String correlationId) throws Exception {
    return json.readTree(
        events
            .await(
                r ->
                    r.value().contains("\"type\":\"dev.lifeboat.health.checked\"")
                        && r.value().contains("\"correlationid\":\"" + correlationId + "\""),
                1,
                Duration.ofSeconds(60))
            .get(0)
            .value());
  }

  private static JsonPath report(String checkId) {
    return given()
        .header("Authorization", "Bearer " + Tokens.forRoles("vic", Roles.VIEWER))
        .get("/api/v1/checks/" + checkId)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void aCompletedRestoreIsCheckedUnderTheRestoresCorrelationId() throws Exception {
    Manifest backup = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    String restoreId = "rs_20260102T143022Z_1a2b3c4d";
    String correlationId = "restore-" + UUID.randomUUID();
    String eventId = UUID.randomUUID().toString();
    // Noise first: another service's unreadable record must not stop the consumer.
    TestServers.kafka().send(Topics.EVENTS, "shop", "{not json", Map.of());
    String data =
        "{\"restoreId\":\""
            + restoreId
            + "\",\"backupId\":\""
            + backup.backupId()
            + "\",\"database\":\"shop\",\"durationMillis\":1234}";
    publish(eventId, "dev.lifeboat.restore.completed", correlationId, data);
    // Delivered twice (a producer retry, a rebalance): still one check.
    publish(eventId, "dev.lifeboat.restore.completed", correlationId, data);

    JsonNode event = checked(correlationId);

    assertEquals("restore:" + restoreId, event.path("data").path("trigger").asText());
    assertEquals("HEALTHY", event.path("data").path("status").asText());
    assertEquals(backup.backupId(), event.path("data").path("baselineBackupId").asText());
    JsonPath report = report(event.path("data").path("checkId").asText());
    assertEquals(correlationId, report.getString("correlationId"));
    assertEquals(List.of(), report.getList("findings"));
    // A later event of the same database is handled after both copies: by then, one report.
    String later = "later-" + UUID.randomUUID();
    publish(UUID.randomUUID().toString(), "dev.lifeboat.restore.completed", later, data);
    checked(later);
    assertEquals(
        1,
        events
            .matching(
                r ->
                    r.value().contains("\"type\":\"dev.lifeboat.health.checked\"")
                        && r.value().contains("\"correlationid\":\"" + correlationId + "\""))
            .size());
    assertEquals(
        1,
        pg.queryLong(
            "lifeboat_health",
            "SELECT count(*) FROM health.checks WHERE correlation_id = '" + correlationId + "'"));
  }

  @Test
  void aRestoreIntoANewDatabaseLeftTheTargetAloneAndIsNotChecked() throws Exception {
    Manifest backup = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    String aside = "aside-" + UUID.randomUUID();
    publish(
        UUID.randomUUID().toString(),
        "dev.lifeboat.restore.completed",
        aside,
        "{\"restoreId\":\"rs_20260102T143022Z_00000aaa\",\"backupId\":\""
            + backup.backupId()
            + "\",\"database\":\"shop\",\"durationMillis\":5,\"mode\":\"NEW_DATABASE\"}");
    // Events of one database are handled in order: once the SWAP after it is checked, the
    // NEW_DATABASE one has been handled too.
    String swapped = "swapped-" + UUID.randomUUID();
    publish(
        UUID.randomUUID().toString(),
        "dev.lifeboat.restore.completed",
        swapped,
        "{\"restoreId\":\"rs_20260102T143022Z_00000bbb\",\"backupId\":\""
            + backup.backupId()
            + "\",\"database\":\"shop\",\"durationMillis\":5,\"mode\":\"SWAP\"}");

    checked(swapped);
    assertEquals(
        0,
        pg.queryLong(
            "lifeboat_health",
            "SELECT count(*) FROM health.checks WHERE correlation_id = '" + aside + "'"));
  }

  @Test
  void aTriggeredCheckWaitsForTheRunningCheckOfItsDatabase() throws Exception {
    String correlationId = "restore-" + UUID.randomUUID();
    assertTrue(locks.acquire("shop", Duration.ZERO), "as a running check does");
    try {
      publish(
          UUID.randomUUID().toString(),
          "dev.lifeboat.restore.completed",
          correlationId,
          "{\"restoreId\":\"rs_20260102T143022Z_0000abcd\",\"backupId\":\"bk_20260102T143022Z_0000abcd\","
              + "\"database\":\"shop\",\"durationMillis\":1}");
      // The trigger got as far as the database's turn and waits for it: a thread of the service
      // is parked in CheckTurns.acquire. Only then does "no check stored" mean it was held back.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(EventTriggersIT::aThreadWaitsForACheckTurn);
      assertEquals(
          0,
          pg.queryLong(
              "lifeboat_health",
              "SELECT count(*) FROM health.checks WHERE correlation_id = '" + correlationId + "'"),
          "no second check of shop while one runs");
    } finally {
      locks.release("shop");
    }
    JsonNode event = checked(correlationId);
    assertEquals("DEGRADED", event.path("data").path("status").asText(), "its backup is gone");
  }

  private static boolean aThreadWaitsForACheckTurn() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(
            t ->
                t.getKey().getState() == Thread.State.TIMED_WAITING
                    || t.getKey().getState() == Thread.State.WAITING)
        .anyMatch(
            t ->
                Arrays.stream(t.getValue())
                    .anyMatch(
                        frame ->
                            frame.getClassName().equals(CheckTurns.class.getName())
                                && frame.getMethodName().equals("acquire")));
  }

  @Test
  void afterAMigrationTheCheckNamesExactlyWhatChanged() throws Exception {
    String migration = "20260103_drop_order_note_" + UUID.randomUUID().toString().substring(0, 8);
    Manifest before = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", migration);
    pg.execute("shop", "ALTER TABLE orders DROP COLUMN note; DELETE FROM orders WHERE id > 600;");
    // A newer backup without the label must not be taken for the pre-migration one.
    StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    String correlationId = "deploy-" + UUID.randomUUID();

    publish(
        UUID.randomUUID().toString(),
        "dev.lifeboat.migration.applied",
        correlationId,
        "{\"database\":\"shop\",\"migration\":\"" + migration + "\"}");

    JsonNode event = checked(correlationId);
    assertEquals("migration:" + migration, event.path("data").path("trigger").asText());
    assertEquals(before.backupId(), event.path("data").path("baselineBackupId").asText());
    assertEquals("UNHEALTHY", event.path("data").path("status").asText());
    JsonPath report = report(event.path("data").path("checkId").asText());
    List<Map<String, String>> findings = report.getList("findings");
    assertEquals(
        List.of(
            "columns WARNING public.orders: column note of public.orders was dropped: backup "
                + before.backupId()
                + " has it",
            "row-counts CRITICAL public.orders: public.orders lost 400 of 1000 row(s) (40.0%) since"
                + " backup "
                + before.backupId()
                + ": 600 now, more than the 10% allowed"),
        findings.stream()
            .map(
                f ->
                    f.get("check")
                        + " "
                        + f.get("severity")
                        + " "
                        + f.get("table")
                        + ": "
                        + f.get("message"))
            .collect(Collectors.toList()),
        report.prettify());
  }

  @Test
  void theBackupNamedByTheMigrationEventIsTheBaseline() throws Exception {
    Manifest named = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    pg.execute("shop", "CREATE TABLE refunds (id int PRIMARY KEY); DROP TABLE coupons;");
    String correlationId = "deploy-" + UUID.randomUUID();

    publish(
        UUID.randomUUID().toString(),
        "dev.lifeboat.migration.applied",
        correlationId,
        "{\"database\":\"shop\",\"migration\":\"20260104_refunds\",\"backupId\":\""
            + named.backupId()
            + "\"}");

    JsonNode event = checked(correlationId);
    assertEquals(named.backupId(), event.path("data").path("baselineBackupId").asText());
    List<Map<String, String>> findings =
        report(event.path("data").path("checkId").asText()).getList("findings");
    assertEquals(
        List.of("tables CRITICAL public.coupons", "tables INFO public.refunds"),
        findings.stream()
            .map(f -> f.get("check") + " " + f.get("severity") + " " + f.get("table"))
            .toList());
  }

  @Test
  void aMigrationWithoutAPriorBackupIsCheckedAndSaysSo() throws Exception {
    String correlationId = "deploy-" + UUID.randomUUID();
    String stale = "stale-" + UUID.randomUUID();
    // Hours old: history, not a trigger.
    publish(
        UUID.randomUUID().toString(),
        "dev.lifeboat.migration.applied",
        stale,
        "{\"database\":\"shop\",\"migration\":\"20250101_old\"}",
        OffsetDateTime.now(ZoneOffset.UTC).minusHours(3));
    publish(
        UUID.randomUUID().toString(),
        "dev.lifeboat.migration.applied",
        correlationId,
        "{\"database\":\"shop\",\"migration\":\"20260105_unprotected\"}");

    JsonNode event = checked(correlationId);
    assertEquals("DEGRADED", event.path("data").path("status").asText());
    String message =
        report(event.path("data").path("checkId").asText()).getString("findings[0].message");
    assertTrue(
        message.contains("no backup of shop was taken before migration 20260105_unprotected"),
        message);
    assertEquals(
        List.of(),
        events.matching(r -> r.value().contains("\"correlationid\":\"" + stale + "\"")).stream()
            .filter(r -> r.value().contains("dev.lifeboat.health.checked"))
            .toList());
  }

  @Test
  void aMigrationReportedOverHttpIsPublishedOnceAndChecked() throws Exception {
    Manifest named = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    pg.execute("shop", "DROP TABLE coupons;");
    String correlationId = "deploy-" + UUID.randomUUID();
    String key = "run-" + UUID.randomUUID();
    String body =
        "{\"fact\":\"applied\",\"database\":\"shop\",\"migration\":\"20260106_no_coupons\","
            + "\"backupId\":\""
            + named.backupId()
            + "\",\"correlationId\":\""
            + correlationId
            + "\"}";

    JsonPath first = reportFact(Roles.PIPELINE, key, body, 202);
    // The pipeline step retried: the same key is the same event, which consumers act on once.
    JsonPath again = reportFact(Roles.PIPELINE, key, body, 202);

    String eventId = first.getString("eventId");
    assertEquals(eventId, again.getString("eventId"));
    assertEquals("dev.lifeboat.migration.applied", first.getString("type"));
    assertEquals(correlationId, first.getString("correlationId"));
    JsonNode published =
        json.readTree(
            events
                .await(
                    r -> r.value().contains("\"id\":\"" + eventId + "\""),
                    2,
                    Duration.ofSeconds(30))
                .get(0)
                .value());
    assertEquals("dev.lifeboat.migration.applied", published.path("type").asText());
    assertEquals("shop", published.path("subject").asText());
    assertEquals("20260106_no_coupons", published.path("data").path("migration").asText());
    JsonNode event = checked(correlationId);
    assertEquals("migration:20260106_no_coupons", event.path("data").path("trigger").asText());
    assertEquals(named.backupId(), event.path("data").path("baselineBackupId").asText());
    assertEquals("UNHEALTHY", event.path("data").path("status").asText());
    // The pipeline finds its check by the correlation id it reported.
    List<String> found =
        given()
            .header("Authorization", "Bearer " + Tokens.forRoles("vic", Roles.VIEWER))
            .queryParam("correlationId", correlationId)
            .get("/api/v1/checks")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("checkId");
    assertEquals(List.of(event.path("data").path("checkId").asText()), found);
    // Both copies handled before a later event of the same database: still one check.
    String later = "later-" + UUID.randomUUID();
    reportFact(
        Roles.PIPELINE,
        null,
        "{\"fact\":\"applied\",\"database\":\"shop\",\"migration\":\"20260107_later\","
            + "\"correlationId\":\""
            + later
            + "\"}",
        202);
    checked(later);
    assertEquals(
        1,
        pg.queryLong(
            "lifeboat_health",
            "SELECT count(*) FROM health.checks WHERE correlation_id = '" + correlationId + "'"));
  }

  @Test
  void aMigrationFactIsRefusedWithAProblemAndNothingPublished() throws Exception {
    String marker = "refused-" + UUID.randomUUID();
    String unknown =
        "{\"fact\":\"started\",\"database\":\"nosuchdb\",\"migration\":\"m1\","
            + "\"correlationId\":\""
            + marker
            + "\"}";
    JsonPath problem = reportFact(Roles.PIPELINE, null, unknown, 400);
    assertTrue(problem.getString("detail").contains("nosuchdb"), problem.prettify());
    reportFact(
        Roles.PIPELINE,
        null,
        "{\"fact\":\"merged\",\"database\":\"shop\",\"migration\":\"m1\"}",
        400);
    String fine =
        "{\"fact\":\"started\",\"database\":\"shop\",\"migration\":\"m1\","
            + "\"correlationId\":\""
            + marker
            + "\"}";
    reportFact(Roles.VIEWER, null, fine, 403);
    // Then one accepted fact of the same marker: the only record that carries it.
    reportFact(Roles.PIPELINE, null, fine, 202);
    events.await(r -> r.value().contains(marker), 1, Duration.ofSeconds(30));
    assertEquals(1, events.matching(r -> r.value().contains(marker)).size());
  }

  private static JsonPath reportFact(String role, String key, String body, int status) {
    var request =
        given()
            .header("Authorization", "Bearer " + Tokens.forRoles("pipe", role))
            .contentType("application/json")
            .body(body);
    if (key != null) {
      request = request.header("Idempotency-Key", key);
    }
    var response = request.post("/api/v1/migration-facts").then().statusCode(status);
    if (status >= 400) {
      response.contentType("application/problem+json");
    }
    return response.extract().jsonPath();
  }
}
