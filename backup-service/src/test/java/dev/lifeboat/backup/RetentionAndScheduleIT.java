package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.backup.retention.LeftoverSweep;
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
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention with keep-last 2, verification marks from health-service's events, and a cron schedule.
 */
@QuarkusTest
@TestProfile(RetentionAndScheduleIT.Profile.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "app,nightly"),
      @ResourceArg(name = "control", value = "lifeboat_retention")
    })
class RetentionAndScheduleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final StoredBackups stored = new StoredBackups(TestServers.s3());
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;
  private final Map<String, String> correlations = new java.util.HashMap<>();

  @Inject LeftoverSweep sweep;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "lifeboat.databases.app.retention.keep-last", "2",
          "lifeboat.databases.nightly.schedule", "0/2 * * * * ?");
    }
  }

  @BeforeEach
  void setUp() {
    ShopDatabase.create(pg, "app");
    events = kafka.recorder(Topics.EVENTS);
  }

  @AfterEach
  void tearDown() {
    events.close();
  }

  private String backup() {
    String id = "ret-" + UUID.randomUUID();
    kafka.send(
        Topics.BACKUP_REQUESTS,
        "app",
        """
        {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
         "data":{"database":"app"}}"""
            .formatted(id),
        Map.of());
    String backupId =
        event(id, "dev.lifeboat.backup.completed").path("data").path("backupId").asText();
    correlations.put(backupId, id);
    return backupId;
  }

  private JsonNode event(String correlationId, String type) {
    ConsumerRecord<String, String> record =
        events
            .await(
                r ->
                    r.value().contains("\"correlationid\":\"" + correlationId + "\"")
                        && r.value().contains("\"type\":\"" + type + "\""),
                1,
                WAIT)
            .get(0);
    try {
      return json.readTree(record.value());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("ops", role);
  }

  private boolean exists(String backupId) throws Exception {
    return !stored.keys("app/" + backupId + "/").isEmpty();
  }

  @Test
  void keepsTheNewestTwoThePinnedAndTheNewestVerified() throws Exception {
    String b1 = backup();
    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .put("/api/v1/backups/" + b1 + "/pin")
        .then()
        .statusCode(200);

    String b2 = backup();
    kafka.send(
        Topics.EVENTS,
        "app",
        """
        {"specversion":"1.0","id":"%s","source":"/lifeboat/health-service","type":"dev.lifeboat.backup.verified",
         "subject":"app","data":{"verificationId":"vf-1","backupId":"%s","database":"app","checksumOk":true,
         "sha256":"%s"}}"""
            .formatted(UUID.randomUUID(), b2, stored.manifest("app", b2).path("sha256").asText()),
        Map.of());
    await()
        .atMost(WAIT)
        .until(
            () ->
                given()
                        .header("Authorization", bearer(Roles.VIEWER))
                        .get("/api/v1/backups/" + b2)
                        .then()
                        .extract()
                        .path("verifiedAt")
                    != null);

    String b3 = backup();
    String b4 = backup();
    assertTrue(
        exists(b1) && exists(b2) && exists(b3), "nothing beyond keep-last is unprotected yet");

    String b5 = backup();
    assertTrue(exists(b5));
    JsonNode pruned = event(correlations.get(b3), "dev.lifeboat.backup.pruned");
    assertEquals(b3, pruned.path("data").path("backupId").asText());
    assertTrue(
        pruned.path("data").path("reason").asText().contains("keep-last 2"), pruned.toString());

    assertFalse(exists(b3), "pruned: no objects left");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + b3)
        .then()
        .statusCode(404)
        .body("detail", containsString("keep-last 2"));
    for (String kept : List.of(b1, b2, b4, b5)) {
      assertTrue(exists(kept), kept + " is kept");
    }
  }

  @Test
  void scheduledBackupsRunOnTheirCron() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                given()
                        .header("Authorization", bearer(Roles.VIEWER))
                        .queryParam("database", "nightly")
                        .get("/api/v1/backups")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList(
                            "findAll { it.status == 'COMPLETED' && it.requestedBy == 'scheduler' }")
                        .size()
                    >= 1);
    String correlation =
        given()
            .header("Authorization", bearer(Roles.VIEWER))
            .queryParam("database", "nightly")
            .get("/api/v1/backups")
            .then()
            .extract()
            .jsonPath()
            .getString("find { it.status == 'COMPLETED' }.correlationId");
    assertTrue(correlation.matches("schedule:nightly:\\d+"), correlation);
  }

  @Test
  void exportsTheLastSuccessfulBackupTime() {
    backup();
    String metrics =
        given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
    for (String expected :
        List.of(
            "lifeboat_last_successful_backup_timestamp_seconds{database=\"app\"",
            "lifeboat_backup_duration_seconds_count{database=\"app\"",
            "lifeboat_backup_stored_bytes_count{database=\"app\"")) {
      assertTrue(
          metrics.contains(expected),
          expected
              + " in:\n"
              + metrics
                  .lines()
                  .filter(l -> l.startsWith("lifeboat"))
                  .collect(java.util.stream.Collectors.joining("\n")));
    }
  }

  @Test
  void sweepsObjectsThatHaveNoManifest() throws Exception {
    String orphan = "bk_20250101T000000Z_0badf00d";
    var s3 = TestServers.s3().client();
    s3.putObject(
        io.minio.PutObjectArgs.builder()
            .bucket(S3Resource.DEFAULT_BUCKET)
            .object("app/" + orphan + "/dump")
            .stream(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), 3, -1)
            .build());
    String real = backup();

    Set<String> removed = sweep.sweep("app");

    assertEquals(Set.of(orphan), removed);
    assertEquals(List.of(), stored.keys("app/" + orphan + "/"));
    assertTrue(exists(real), "complete backups are left alone");
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + real)
        .then()
        .statusCode(200)
        .body("status", equalTo("COMPLETED"));
  }

  @Test
  void neverSweepsABackupTheCatalogHoldsAsCompletedEvenWhenItsManifestIsNotListed()
      throws Exception {
    // The sweep lists the bucket, then asks the catalog: a backup that completed in between
    // shows no manifest in the listing. Its manifest missing from the listing stands for that.
    String real = backup();
    var s3 = TestServers.s3().client();
    byte[] manifest =
        s3.getObject(
                io.minio.GetObjectArgs.builder()
                    .bucket(S3Resource.DEFAULT_BUCKET)
                    .object("app/" + real + "/manifest.json")
                    .build())
            .readAllBytes();
    s3.removeObject(
        io.minio.RemoveObjectArgs.builder()
            .bucket(S3Resource.DEFAULT_BUCKET)
            .object("app/" + real + "/manifest.json")
            .build());
    try {
      Set<String> removed = sweep.sweep("app");

      assertTrue(!removed.contains(real), "removed " + removed);
      assertEquals(List.of("app/" + real + "/dump"), stored.keys("app/" + real + "/"));
    } finally {
      s3.putObject(
          io.minio.PutObjectArgs.builder()
              .bucket(S3Resource.DEFAULT_BUCKET)
              .object("app/" + real + "/manifest.json")
              .stream(new java.io.ByteArrayInputStream(manifest), manifest.length, -1)
              .build());
    }
  }
}
