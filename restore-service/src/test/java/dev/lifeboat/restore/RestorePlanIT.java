package dev.lifeboat.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
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
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Planning, data-loss warning, one-time confirmation and cancellation, on real servers. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_restore")
    })
class RestorePlanIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;
  private Manifest backup;

  @BeforeEach
  void shopWithABackupAndNewerRows() throws Exception {
    pg.execute("lifeboat_restore", "DELETE FROM restore.restores");
    // From scratch: other tests swap and replace this database.
    pg.dropDatabase("shop");
    pg.createDatabase("shop");
    pg.execute(
        "shop",
        """
        CREATE TABLE customers (id int PRIMARY KEY, name text);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers, total numeric);
        INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
        INSERT INTO orders SELECT g, 1 + g % 50, g FROM generate_series(1, 10388) g;
        """);
    backup = StoredBackupFixture.backup(pg, TestServers.s3(), "shop", null);
    // After the backup: 24 new orders, a new table, and a customer deleted.
    pg.execute(
        "shop",
        """
        INSERT INTO orders SELECT g, 1, g FROM generate_series(10389, 10412) g;
        CREATE TABLE coupons (code text);
        INSERT INTO coupons VALUES ('A'), ('B');
        DELETE FROM orders WHERE customer_id = 50; DELETE FROM customers WHERE id = 50;
        """);
    events = kafka.recorder(Topics.EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("rita", role);
  }

  private ValidatableResponse plan(String body) {
    return given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body(body)
        .post("/api/v1/restores")
        .then();
  }

  private String swapPlan() {
    return "{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\"}";
  }

  private int restoreCount() {
    return (int) pg.queryLong("lifeboat_restore", "SELECT count(*) FROM restore.restores");
  }

  @Test
  void aPlanShowsTheStepsTheDataThatWouldBeLostAndAOneTimeCode() {
    var response =
        plan(swapPlan())
            .statusCode(201)
            .header("Location", matchesPattern(".*/api/v1/restores/rs_\\d{8}T\\d{6}Z_[0-9a-f]{8}"))
            .body("status", equalTo("AWAITING_CONFIRMATION"))
            .body("mode", equalTo("SWAP"))
            .body("safetyBackup", equalTo(false))
            .body("confirmationCode", matchesPattern("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}"))
            .body(
                "steps.name",
                equalTo(
                    List.of(
                        "verify-checksum",
                        "restore-scratch",
                        "verify-rows",
                        "swap",
                        "health-check")))
            .body(
                "steps.state",
                equalTo(List.of("PENDING", "PENDING", "PENDING", "PENDING", "PENDING")))
            .body("dataLoss.backupTakenAt", equalTo(backup.createdAt().toString()))
            .extract();
    String restoreId = response.path("restoreId");
    Instant expires = Instant.parse(response.path("expiresAt"));
    assertTrue(expires.isAfter(Instant.now().plus(Duration.ofMinutes(9))), "valid for 10 minutes");

    JsonNode orders = table(response.jsonPath().getList("dataLoss.tables"), "orders");
    assertEquals(10388, orders.path("rowsInBackup").asLong());
    assertEquals(
        pg.queryLong("shop", "SELECT count(*) FROM orders"), orders.path("rowsNow").asLong());
    JsonNode coupons = table(response.jsonPath().getList("dataLoss.tables"), "coupons");
    assertEquals(2, coupons.path("rowsNow").asLong());
    assertTrue(coupons.path("rowsInBackup").isNull(), "created after the backup");
    assertTrue(response.jsonPath().getLong("dataLoss.secondsSinceBackup") >= 0);
    assertTrue(response.jsonPath().getLong("estimatedSeconds") >= 5);

    JsonNode planned = event(restoreId, "dev.lifeboat.restore.planned");
    assertEquals("shop", planned.path("subject").asText());
    assertEquals(backup.backupId(), planned.path("data").path("backupId").asText());

    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/restores/" + restoreId)
        .then()
        .statusCode(200)
        .body("status", equalTo("AWAITING_CONFIRMATION"))
        .body("confirmationCode", nullValue());
  }

  private JsonNode table(List<Object> tables, String name) {
    JsonNode all = json.valueToTree(tables);
    for (JsonNode t : all) {
      if (name.equals(t.path("name").asText())) {
        return t;
      }
    }
    throw new AssertionError(name + " not in " + all);
  }

  private JsonNode event(String correlationId, String type) {
    try {
      return json.readTree(
          events
              .await(
                  r ->
                      r.value().contains("\"correlationid\":\"" + correlationId + "\"")
                          && r.value().contains("\"type\":\"" + type + "\""),
                  1,
                  Duration.ofSeconds(30))
              .get(0)
              .value());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aDryRunOnlyShowsThePlan() {
    int before = restoreCount();
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body(swapPlan())
        .queryParam("dryRun", true)
        .post("/api/v1/restores")
        .then()
        .statusCode(200)
        .body("status", equalTo("DRY_RUN"))
        .body("restoreId", nullValue())
        .body("confirmationCode", nullValue())
        .body("dataLoss.tables.size()", equalTo(3));
    assertEquals(before, restoreCount(), "nothing stored");
  }

  @Test
  void theRightCodeConfirmsOnceAndQueuesTheRestore() throws Exception {
    // A confirmed restore really runs: into a new database, so that the next test's shop is intact.
    pg.dropDatabase("shop_copy");
    var planned =
        plan("{\"backupId\":\""
                + backup.backupId()
                + "\",\"database\":\"shop\",\"mode\":\"NEW_DATABASE\",\"newDatabase\":\"shop_copy\","
                + "\"reason\":\"orders lost in 042_purge\",\"ticket\":\"INC-4711\"}")
            .statusCode(201)
            .body("reason", equalTo("orders lost in 042_purge"))
            .body("ticket", equalTo("INC-4711"))
            .extract();
    String restoreId = planned.path("restoreId");
    String code = planned.path("confirmationCode");

    try (TopicRecorder commands = kafka.recorder(Topics.RESTORE_COMMANDS)) {
      confirm(restoreId, "WRONG-CODE")
          .statusCode(409)
          .contentType("application/problem+json")
          .body("detail", containsString("wrong confirmation code"));
      given()
          .header("Authorization", bearer(Roles.VIEWER))
          .get("/api/v1/restores/" + restoreId)
          .then()
          .body("status", equalTo("AWAITING_CONFIRMATION"));

      confirm(restoreId, code.toLowerCase())
          .statusCode(202)
          .body("status", equalTo("CONFIRMED"))
          .body("confirmedBy", equalTo("rita"));
      confirm(restoreId, code).statusCode(409).body("detail", containsString("works once"));

      JsonNode command =
          json.readTree(
              commands
                  .await(r -> r.value().contains(restoreId), 1, Duration.ofSeconds(30))
                  .get(0)
                  .value());
      assertEquals("dev.lifeboat.restore.confirmed", command.path("type").asText());
      assertEquals("shop", command.path("subject").asText());
      assertEquals(backup.backupId(), command.path("data").path("backupId").asText());
      assertEquals("NEW_DATABASE", command.path("data").path("mode").asText());
      assertEquals("shop_copy", command.path("data").path("newDatabase").asText());
      assertEquals("rita", command.path("data").path("confirmedBy").asText());
      assertEquals("INC-4711", command.path("data").path("ticket").asText());
      assertEquals("orders lost in 042_purge", command.path("data").path("reason").asText());
      assertEquals(1, commands.matching(r -> r.value().contains(restoreId)).size(), "one command");
    }
    JsonNode plannedEvent = event(restoreId, "dev.lifeboat.restore.planned");
    assertEquals("INC-4711", plannedEvent.path("data").path("ticket").asText());
    assertEquals("orders lost in 042_purge", plannedEvent.path("data").path("reason").asText());
    event(restoreId, "dev.lifeboat.restore.confirmed");
    event(restoreId, "dev.lifeboat.restore.completed");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/restores/" + restoreId)
        .then()
        .body("ticket", equalTo("INC-4711"));
  }

  private ValidatableResponse confirm(String restoreId, String code) {
    return given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body("{\"confirmationCode\":\"" + code + "\"}")
        .post("/api/v1/restores/" + restoreId + "/confirm")
        .then();
  }

  @Test
  void anExpiredCodeConfirmsNothing() {
    var planned = plan(swapPlan()).statusCode(201).extract();
    String restoreId = planned.path("restoreId");
    pg.execute(
        "lifeboat_restore",
        "UPDATE restore.restores SET expires_at = now() - interval '1 second' WHERE restore_id = '"
            + restoreId
            + "'");

    confirm(restoreId, planned.path("confirmationCode"))
        .statusCode(409)
        .body("detail", containsString("expired"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/restores/" + restoreId)
        .then()
        .body("status", equalTo("CANCELLED"))
        .body("finishedReason", equalTo("the confirmation code expired"));
    plan(swapPlan()).statusCode(201);
  }

  @Test
  void guessingCodesCancelsThePlan() {
    String restoreId = plan(swapPlan()).statusCode(201).extract().path("restoreId");
    for (int i = 0; i < 4; i++) {
      confirm(restoreId, "AAAA-AAAA")
          .statusCode(409)
          .body("detail", containsString((4 - i) + " attempt(s) left"));
    }
    confirm(restoreId, "AAAA-AAAA").statusCode(409).body("detail", containsString("cancelled"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/restores/" + restoreId)
        .then()
        .body("status", equalTo("CANCELLED"));
  }

  @Test
  void oneRestorePerDatabaseUntilItIsCancelled() {
    String first = plan(swapPlan()).statusCode(201).extract().path("restoreId");
    plan(swapPlan()).statusCode(409).body("detail", containsString(first));

    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .post("/api/v1/restores/" + first + "/cancel")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .post("/api/v1/restores/" + first + "/cancel")
        .then()
        .statusCode(200)
        .body("status", equalTo("CANCELLED"))
        .body("finishedReason", equalTo("cancelled by rita"));
    event(first, "dev.lifeboat.restore.cancelled");
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .post("/api/v1/restores/" + first + "/cancel")
        .then()
        .statusCode(409);
    plan(swapPlan()).statusCode(201);
  }

  @Test
  void badRequestsAreRejectedAndStoreNothing() {
    int before = restoreCount();
    String id = backup.backupId();
    given()
        .contentType("application/json")
        .body(swapPlan())
        .post("/api/v1/restores")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", bearer(Roles.PIPELINE))
        .contentType("application/json")
        .body(swapPlan())
        .post("/api/v1/restores")
        .then()
        .statusCode(403);
    plan("{\"backupId\":\"" + id + "\",\"database\":\"other\"}")
        .statusCode(400)
        .body("detail", containsString("unknown database"));
    plan("{\"backupId\":\"../../etc\",\"database\":\"shop\"}")
        .statusCode(400)
        .body("violations[0].field", equalTo("backupId"));
    plan("{\"backupId\":\"bk_20200101T000000Z_00000000\",\"database\":\"shop\"}")
        .statusCode(404)
        .body("detail", containsString("does not exist"));
    plan("{\"backupId\":\"" + id + "\",\"database\":\"shop\",\"mode\":\"TABLES\"}")
        .statusCode(400)
        .body("detail", containsString("needs the tables"));
    plan("{\"backupId\":\""
            + id
            + "\",\"database\":\"shop\",\"mode\":\"TABLES\",\"tables\":[\"public.nope\"]}")
        .statusCode(400)
        .body("detail", containsString("not in backup"));
    plan("{\"backupId\":\"" + id + "\",\"database\":\"shop\",\"mode\":\"NEW_DATABASE\"}")
        .statusCode(400);
    plan("{\"backupId\":\"" + id + "\",\"database\":\"shop\",\"mode\":\"SIDEWAYS\"}")
        .statusCode(400);
    // A ticket with a space or a reason beyond 256 characters is refused, naming the field.
    plan("{\"backupId\":\"" + id + "\",\"database\":\"shop\",\"ticket\":\"INC 1\"}")
        .statusCode(400)
        .body("violations[0].field", equalTo("ticket"));
    plan("{\"backupId\":\""
            + id
            + "\",\"database\":\"shop\",\"reason\":\""
            + "x".repeat(257)
            + "\"}")
        .statusCode(400)
        .body("violations[0].field", equalTo("reason"));
    plan("{\"backupId\":\"" + id + "\",\"database\":\"shop\",\"tables\":[\"orders\"]}")
        .statusCode(400);
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/restores/rs_20200101T000000Z_00000000/confirm")
        .then()
        .statusCode(400);
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body("{\"confirmationCode\":\"X\"}")
        .post("/api/v1/restores/rs_20200101T000000Z_00000000/confirm")
        .then()
        .statusCode(404);
    assertEquals(before, restoreCount(), "nothing stored");
  }

  @Test
  void aTablesPlanWarnsAboutTheListedTablesOnly() {
    plan("{\"backupId\":\""
            + backup.backupId()
            + "\",\"database\":\"shop\",\"mode\":\"TABLES\",\"tables\":[\"orders\"]}")
        .statusCode(201)
        .body("safetyBackup", equalTo(true))
        .body("tables", equalTo(List.of("public.orders")))
        .body("dataLoss.tables.name", equalTo(List.of("orders")))
        .body(
            "steps.name",
            equalTo(
                List.of(
                    "verify-checksum",
                    "safety-backup",
                    "restore-tables",
                    "verify-rows",
                    "swap-tables",
                    "health-check")));
  }
}
