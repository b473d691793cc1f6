package dev.lifeboat.health;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.health.verification.BackupVerifier;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checksums and restore drills of real stored backups. */
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
class VerificationIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;
  private Manifest backup;

  @Inject BackupVerifier verifier;

  @BeforeEach
  void shopWithABackup() throws Exception {
    StoredBackupFixture.clear(TestServers.s3(), ShopDatabase.NAME);
    ShopDatabase.create(pg);
    backup = StoredBackupFixture.backup(pg, TestServers.s3(), ShopDatabase.NAME, null);
    events = TestServers.kafka().recorder(Topics.EVENTS);
  }

  @AfterEach
  void close() {
    events.close();
  }

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("rita", role);
  }

  private String start(String body) {
    return given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body(body)
        .post("/api/v1/verifications")
        .then()
        .statusCode(202)
        .header("Location", containsString("/api/v1/verifications/vf_"))
        .body("status", equalTo("RUNNING"))
        .extract()
        .path("verificationId");
  }

  private JsonPath finished(String verificationId) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () ->
                !"RUNNING"
                    .equals(
                        given()
                            .header("Authorization", bearer(Roles.VIEWER))
                            .get("/api/v1/verifications/" + verificationId)
                            .then()
                            .statusCode(200)
                            .extract()
                            .path("status")));
    return given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/verifications/" + verificationId)
        .then()
        .extract()
        .jsonPath();
  }

  private JsonNode event(String verificationId, String type) throws Exception {
    return json.readTree(
        events
            .await(
                r ->
                    r.value().contains("\"type\":\"" + type + "\"")
                        && r.value().contains("\"correlationid\":\"" + verificationId + "\""),
                1,
                Duration.ofSeconds(30))
            .get(0)
            .value());
  }

  private long scratchDatabases() {
    return pg.queryLong(
        "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'shop\\_lbv\\_%'");
  }

  @Test
  void aGoodBackupPassesItsDrillAndTheScratchDatabaseIsGone() throws Exception {
    String id = start("{\"backupId\":\"" + backup.backupId() + "\",\"drill\":true}");

    JsonPath v = finished(id);

    assertEquals("PASSED", v.getString("status"), v.prettify());
    assertTrue(v.getBoolean("checksumOk"));
    assertTrue(v.getBoolean("drill.restored"));
    assertTrue(v.getBoolean("drill.rowCountsMatch"));
    assertTrue(v.getLong("drill.durationMillis") > 0);
    assertEquals("HEALTHY", v.getString("drill.checkStatus"));
    assertEquals("shop", v.getString("database"));
    assertEquals(0, scratchDatabases(), "the scratch database is dropped");

    JsonNode verified = event(id, "dev.lifeboat.backup.verified");
    assertEquals(backup.backupId(), verified.path("data").path("backupId").asText());
    assertTrue(verified.path("data").path("checksumOk").asBoolean());
    assertTrue(verified.path("data").path("drill").path("restored").asBoolean());
    assertTrue(verified.path("data").path("drill").path("rowCountsMatch").asBoolean());
    given()
        .get("/q/metrics")
        .then()
        .body(containsString("lifeboat_restore_drill_duration_seconds_count{database=\"shop\"}"))
        .body(containsString("lifeboat_backup_verification_age_seconds{database=\"shop\"}"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .queryParam("backupId", backup.backupId())
        .get("/api/v1/verifications")
        .then()
        .statusCode(200)
        .body("verificationId", hasItem(id));
  }

  @Test
  void aStoredBackupWithOneFlippedByteFailsWithAChecksumFinding() throws Exception {
    StoredBackupFixture.flipOneByte(TestServers.s3(), backup);

    String id =
        start("{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"shop\",\"drill\":true}");
    JsonPath v = finished(id);

    assertEquals("FAILED", v.getString("status"), v.prettify());
    assertFalse(v.getBoolean("checksumOk"));
    assertFalse(v.getBoolean("drill.restored"), "a damaged archive is not restored");
    List<Map<String, String>> findings = v.getList("findings");
    assertTrue(
        findings.stream()
            .anyMatch(
                f ->
                    f.get("check").equals("checksum")
                        && f.get("severity").equals("CRITICAL")
                        && f.get("message").contains("is damaged: sha256")),
        v.prettify());
    assertEquals(0, scratchDatabases());
    JsonNode failed = event(id, "dev.lifeboat.backup.verification-failed");
    assertEquals(backup.backupId(), failed.path("data").path("backupId").asText());
    assertTrue(failed.path("data").path("reason").asText().contains("is damaged"));
    // What the "verification failed" alert reads.
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("lifeboat_backup_verification_failures_total{database=\"shop\"}"));
  }

  @Test
  void withoutADrillOnlyTheChecksumIsVerified() throws Exception {
    String id = start("{\"backupId\":\"" + backup.backupId() + "\"}");

    JsonPath v = finished(id);

    assertEquals("PASSED", v.getString("status"));
    assertTrue(v.getBoolean("checksumOk"));
    assertNull(v.get("drill"));
    assertEquals(List.of(), v.getList("findings"));
    JsonNode drill = event(id, "dev.lifeboat.backup.verified").path("data").path("drill");
    assertTrue(drill.isNull() || drill.isMissingNode(), drill.toString());
  }

  @Test
  void aRestartDropsTheScratchDatabaseOfAnInterruptedDrill() throws Exception {
    String id = "vf_20200101T000000Z_0badc0de";
    pg.createDatabase("shop_lbv_0badc0de");
    pg.execute(
        "lifeboat_health",
        "INSERT INTO health.verifications (verification_id, backup_id, database, drill, status,"
            + " scratch_database, correlation_id, requested_by, started_at) VALUES ('"
            + id
            + "', '"
            + backup.backupId()
            + "', 'shop', true, 'RUNNING', 'shop_lbv_0badc0de', '"
            + id
            + "', 'rita', now())");

    verifier.recover(); // what the next start does

    assertEquals(0, scratchDatabases());
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/verifications/" + id)
        .then()
        .body("status", equalTo("FAILED"))
        .body("reason", containsString("scratch database shop_lbv_0badc0de was dropped"));
    assertTrue(
        event(id, "dev.lifeboat.backup.verification-failed")
            .path("data")
            .path("reason")
            .asText()
            .contains("interrupted"));
  }

  @Test
  void anEncryptedBackupIsNotDrilledWithoutTheKeysToIt() throws Exception {
    Manifest encrypted =
        StoredBackupFixture.encryptedBackup(pg, TestServers.s3(), ShopDatabase.NAME);

    JsonPath v = finished(start("{\"backupId\":\"" + encrypted.backupId() + "\",\"drill\":true}"));

    assertEquals("FAILED", v.getString("status"));
    assertTrue(v.getBoolean("checksumOk"), "the stored bytes are intact");
    assertFalse(v.getBoolean("drill.restored"));
    assertTrue(
        v.getString("reason").contains("lifeboat.health.encryption.identities is not set"),
        v.prettify());
    assertEquals(0, scratchDatabases());
  }

  // --- Bad input ------------------------------------------------------------------------------

  private long storedVerifications() {
    return pg.queryLong("lifeboat_health", "SELECT count(*) FROM health.verifications");
  }

  private void rejected(String body, int status, String detail) {
    long before = storedVerifications();
    given()
        .header("Authorization", bearer(Roles.RESPONDER))
        .contentType("application/json")
        .body(body)
        .post("/api/v1/verifications")
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("detail", containsString(detail));
    assertEquals(before, storedVerifications(), "nothing was verified");
  }

  @Test
  void unknownBackupsAndDatabasesAndMalformedRequestsRunNothing() {
    rejected(
        "{\"backupId\":\"bk_20200101T000000Z_deadbeef\"}",
        404,
        "backup bk_20200101T000000Z_deadbeef does not exist");
    rejected(
        "{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"nope\"}",
        400,
        "unknown database \"nope\"");
    rejected("{\"backupId\":\"../../etc\"}", 400, "field(s) rejected");
    rejected("{\"drill\":true}", 400, "field(s) rejected");
    rejected("{\"backupId\":\"" + backup.backupId() + "\",\"drill\":\"yes\"}", 400, "JSON");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .contentType("application/json")
        .body("{\"backupId\":\"" + backup.backupId() + "\"}")
        .post("/api/v1/verifications")
        .then()
        .statusCode(403);
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/verifications/vf_20200101T000000Z_00000000")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("title", equalTo("Not Found"))
        .body("violations", nullValue());
  }
}
