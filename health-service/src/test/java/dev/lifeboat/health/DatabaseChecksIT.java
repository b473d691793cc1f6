package dev.lifeboat.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.health.catalog.CheckReport;
import dev.lifeboat.health.running.CheckRunner;
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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Database checks against a real database, compared with a real stored backup. */
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
class DatabaseChecksIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;
  private Manifest baseline;

  @Inject CheckTurns locks;
  @Inject CheckRunner runner;
  @Inject TargetDatabases targets;

  @BeforeEach
  void shopWithABackup() throws Exception {
    StoredBackupFixture.clear(TestServers.s3(), ShopDatabase.NAME);
    ShopDatabase.create(pg);
    baseline = StoredBackupFixture.backup(pg, TestServers.s3(), ShopDatabase.NAME, null);
    events = TestServers.kafka().recorder(Topics.EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("rita", role);
  }

  private JsonPath check(String body) {
    return given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body(body)
        .post("/api/v1/checks")
        .then()
        .statusCode(201)
        .header("Location", containsString("/api/v1/checks/ck_"))
        .extract()
        .jsonPath();
  }

  private static Set<String> kinds(JsonPath report) {
    List<java.util.Map<String, String>> findings = report.getList("findings");
    return findings.stream()
        .map(f -> f.get("check") + " " + f.get("severity") + " " + f.get("table"))
        .collect(Collectors.toSet());
  }

  private static String message(JsonPath report, String check, String table) {
    List<java.util.Map<String, String>> findings = report.getList("findings");
    return findings.stream()
        .filter(f -> f.get("check").equals(check) && table.equals(f.get("table")))
        .map(f -> f.get("message"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + check + " finding for " + table));
  }

  @Test
  void aDamagedDatabaseShowsEveryFindingWithItsSeverity() throws Exception {
    pg.execute(
        "shop",
        """
        INSERT INTO payments (order_id, amount) VALUES (999999, 1.00);
        ALTER TABLE payments ADD CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders NOT VALID;
        DROP TABLE gift_cards;
        DELETE FROM orders WHERE id > 600;
        SELECT setval('customers_id_seq', 5);
        CREATE TABLE audit_log (at timestamptz, what text);
        """);
    try {
      // On duplicates, a concurrent unique index build fails and leaves the index behind, invalid.
      pg.execute(
          "shop", "CREATE UNIQUE INDEX CONCURRENTLY coupons_percent_key ON coupons (percent)");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("could not create unique index"));
    }

    JsonPath report =
        check("{\"database\":\"shop\",\"baselineBackupId\":\"" + baseline.backupId() + "\"}");

    assertEquals("UNHEALTHY", report.getString("status"));
    assertEquals(baseline.backupId(), report.getString("baselineBackupId"));
    assertEquals(
        Set.of(
            "foreign-keys CRITICAL public.payments",
            "indexes WARNING public.coupons",
            "tables CRITICAL public.gift_cards",
            "row-counts CRITICAL public.orders",
            "sequences CRITICAL public.customers",
            "primary-keys INFO public.audit_log",
            "tables INFO public.audit_log"),
        kinds(report),
        report.prettify());
    String orphan = message(report, "foreign-keys", "public.payments");
    assertTrue(orphan.contains("payments_order_fk (NOT VALID)"), orphan);
    assertTrue(orphan.contains(": 1 row(s) reference a missing row of public.orders"), orphan);
    assertTrue(message(report, "indexes", "public.coupons").contains("coupons_percent_key"));
    assertTrue(
        message(report, "row-counts", "public.orders").contains("lost 400 of 1000 row(s) (40.0%)"));
    assertTrue(message(report, "tables", "public.gift_cards").contains("missing"));
    assertTrue(
        message(report, "sequences", "public.customers")
            .contains("next value is 6 but the column already holds 100"));

    // Stored, and announced with the check's id as correlation id.
    String checkId = report.getString("checkId");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/checks/" + checkId)
        .then()
        .statusCode(200)
        .body("status", equalTo("UNHEALTHY"))
        .body("trigger", equalTo("api"))
        .body("findings.size()", equalTo(7));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .queryParam("database", "shop")
        .queryParam("limit", 1)
        .get("/api/v1/checks")
        .then()
        .statusCode(200)
        .body("checkId", equalTo(List.of(checkId)));
    JsonNode event = checked(checkId);
    assertEquals("shop", event.path("subject").asText());
    assertEquals("UNHEALTHY", event.path("data").path("status").asText());
    assertEquals(7, event.path("data").path("findings").asInt());
    assertEquals(baseline.backupId(), event.path("data").path("baselineBackupId").asText());
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("lifeboat_health_status{database=\"shop\"} 2.0"));
  }

  @Test
  void aCleanDatabaseIsHealthyWithoutFindings() throws Exception {
    // No baselineBackupId: the newest backup is the baseline.
    JsonPath report = check("{\"database\":\"shop\"}");

    assertEquals("HEALTHY", report.getString("status"), report.prettify());
    assertEquals(List.of(), report.getList("findings"));
    assertEquals(baseline.backupId(), report.getString("baselineBackupId"));
    assertEquals(
        "HEALTHY", checked(report.getString("checkId")).path("data").path("status").asText());
    assertEquals(
        1000, pg.queryLong("shop", "SELECT count(*) FROM orders"), "a check changes nothing");
  }

  @Test
  void withoutAnyBackupTheCheckSaysWhatItCouldNotCompare() throws Exception {
    StoredBackupFixture.clear(TestServers.s3(), ShopDatabase.NAME);

    JsonPath report = check("{\"database\":\"shop\"}");

    assertEquals("HEALTHY", report.getString("status"));
    assertEquals(Set.of("baseline INFO null"), kinds(report));
    assertEquals(null, report.getString("baselineBackupId"));
  }

  @Test
  void anEncryptedBaselineWithoutKeysIsComparedByTablesAndRowsOnly() throws Exception {
    Manifest encrypted =
        StoredBackupFixture.encryptedBackup(pg, TestServers.s3(), ShopDatabase.NAME);

    JsonPath report =
        check("{\"database\":\"shop\",\"baselineBackupId\":\"" + encrypted.backupId() + "\"}");

    assertEquals("HEALTHY", report.getString("status"));
    assertEquals(Set.of("columns INFO null"), kinds(report));
    assertTrue(
        report
            .getString("findings[0].message")
            .contains("lifeboat.health.encryption.identities is not set"));
  }

  @Test
  void longTransactionsAndLockWaitsDegradeTheDatabase() throws Exception {
    try (Connection holder = pg.connect("shop");
        Connection waiter = pg.connect("shop")) {
      long holderPid = pid(holder);
      long waiterPid = pid(waiter);
      holder.setAutoCommit(false);
      holder.createStatement().execute("UPDATE customers SET name = name WHERE id = 1");
      var blocked =
          CompletableFuture.runAsync(
              () -> {
                try {
                  waiter.createStatement().execute("UPDATE customers SET name = 'x' WHERE id = 1");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      // Until the server shows both past the test profile's long-transaction (3 s) and
      // lock-wait (2 s): the holder's transaction that old, the waiter blocked on its lock that
      // long.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  pg.queryLong(
                          "shop",
                          "SELECT count(*) FROM pg_stat_activity WHERE (pid = "
                              + holderPid
                              + " AND now() - xact_start > interval '3 s') OR (pid = "
                              + waiterPid
                              + " AND wait_event_type = 'Lock'"
                              + " AND now() - coalesce(state_change, query_start)"
                              + " > interval '2 s')")
                      == 2);

      JsonPath report = check("{\"database\":\"shop\"}");

      assertEquals("DEGRADED", report.getString("status"), report.prettify());
      assertEquals(Set.of("transactions WARNING null", "locks WARNING null"), kinds(report));
      holder.rollback();
      blocked.get();
    }
  }

  @Test
  void aLockHeldByAMigrationMakesTheCheckGiveUpOnThatTableNotWait() throws Exception {
    try (Connection migration = pg.connect("shop")) {
      migration.setAutoCommit(false);
      migration.createStatement().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");

      JsonPath report = check("{\"database\":\"shop\"}");

      assertEquals("DEGRADED", report.getString("status"), report.prettify());
      String rows = message(report, "row-counts", "public.orders");
      assertTrue(rows.contains("lock timeout"), rows);
      assertTrue(message(report, "foreign-keys", "public.orders").contains("lock timeout"));
      assertTrue(kinds(report).stream().noneMatch(k -> k.contains("CRITICAL")), report.prettify());
      migration.rollback();
    }
  }

  @Test
  void anUnreachableDatabaseIsUnhealthyAndTheReportKeepsNoSecret() {
    JsonPath report = check("{\"database\":\"locked\"}");

    assertEquals("UNHEALTHY", report.getString("status"));
    assertEquals(Set.of("connectivity CRITICAL null", "baseline INFO null"), kinds(report));
    String message = report.getString("findings.find { it.check == 'connectivity' }.message");
    assertTrue(message.contains("password authentication failed"), message);
    assertTrue(!message.contains(pg.password()), "no password in the report");
    assertNull(report.get("latencyMillis"));
  }

  @Test
  void aSecondCheckOfTheSameDatabaseIsRefusedWhileOneRuns() {
    assertTrue(locks.acquire("shop", Duration.ZERO), "as a running check does");
    try {
      rejected("{\"database\":\"shop\"}", 409, "a check of shop is already running");
    } finally {
      locks.release("shop");
    }
    check("{\"database\":\"shop\"}");
  }

  @Test
  @SuppressWarnings("try") // the lease is held, not used: a restore running
  void whileARestoreRunsTheApiRefusesAndOtherChecksWaitForIt() throws Exception {
    CompletableFuture<Optional<CheckReport>> scheduled;
    try (DatabaseLocks.Lease restoreRunning =
        DatabaseLocks.exclusive(targets.get("shop"), Duration.ZERO)) {
      rejected("{\"database\":\"shop\"}", 409, "a restore of shop is running");
      scheduled =
          CompletableFuture.supplyAsync(
              () ->
                  runner.run(runner.latest("shop", "schedule", null, null, Duration.ofMinutes(1))));
      // The check got as far as the restore's lock and is blocked on it.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  pg.queryLong(
                          "postgres",
                          "SELECT count(*) FROM pg_stat_activity WHERE datname = 'postgres'"
                              + " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                              + " AND query LIKE '%pg_advisory_lock_shared%'")
                      == 1);
      assertFalse(scheduled.isDone(), "a scheduled check waits for the restore");
      assertEquals(
          1,
          pg.queryLong(
              "postgres",
              "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"),
          "on its lock");
    }
    CheckReport report = scheduled.get(60, TimeUnit.SECONDS).orElseThrow();
    assertEquals(HealthEvents.Status.HEALTHY, report.status(), report.findings().toString());
  }

  private static long pid(Connection session) throws SQLException {
    try (var s = session.createStatement();
        var rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private JsonNode checked(String checkId) throws Exception {
    return json.readTree(
        events
            .await(
                r ->
                    r.value().contains("\"type\":\"dev.lifeboat.health.checked\"")
                        && r.value().contains("\"correlationid\":\"" + checkId + "\""),
                1,
                Duration.ofSeconds(30))
            .get(0)
            .value());
  }

  // --- Bad input: a problem+json answer, and nothing runs ---------------------------------------

  private long storedChecks() {
    return pg.queryLong("lifeboat_health", "SELECT count(*) FROM health.checks");
  }

  private void rejected(String body, int status, String detail) {
    long before = storedChecks();
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body(body)
        .post("/api/v1/checks")
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("detail", containsString(detail));
    assertEquals(before, storedChecks(), "nothing was checked");
  }

  @Test
  void anUnknownDatabaseIsABadRequest() {
    rejected("{\"database\":\"nope\"}", 400, "unknown database \"nope\"");
  }

  @Test
  void anUnknownBaselineIsNotFound() {
    rejected(
        "{\"database\":\"shop\",\"baselineBackupId\":\"bk_20200101T000000Z_deadbeef\"}",
        404,
        "backup bk_20200101T000000Z_deadbeef of shop does not exist");
  }

  @Test
  void malformedRequestsAreRejected() {
    rejected("{\"database\":\"Shop; DROP\"}", 400, "field(s) rejected");
    rejected("{\"baselineBackupId\":\"bk_20200101T000000Z_deadbeef\"}", 400, "field(s) rejected");
    rejected("{\"database\":\"shop\",\"baselineBackupId\":\"../x\"}", 400, "field(s) rejected");
    rejected("{\"database\":42}", 400, "not valid JSON for this endpoint");
    rejected("not json", 400, "not valid JSON");
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body("{\"database\":\"Shop; DROP\"}")
        .post("/api/v1/checks")
        .then()
        .body("violations.field", hasItem("database"));
  }

  @Test
  void checksNeedTheResponderRoleAndReadsTheViewerRole() {
    long before = storedChecks();
    given()
        .contentType("application/json")
        .body("{\"database\":\"shop\"}")
        .post("/api/v1/checks")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .contentType("application/json")
        .body("{\"database\":\"shop\"}")
        .post("/api/v1/checks")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    assertEquals(before, storedChecks());
    given().get("/api/v1/checks").then().statusCode(401);
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/checks")
        .then()
        .statusCode(200);
  }

  @Test
  void badQueriesAndUnknownChecksAreProblems() {
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .queryParam("limit", 0)
        .get("/api/v1/checks")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .queryParam("database", "nope")
        .get("/api/v1/checks")
        .then()
        .statusCode(400)
        .body("detail", containsString("unknown database"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/checks/ck_20200101T000000Z_00000000")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/checks/not-an-id")
        .then()
        .statusCode(400)
        .body("violations", org.hamcrest.Matchers.not(empty()));
  }
}
