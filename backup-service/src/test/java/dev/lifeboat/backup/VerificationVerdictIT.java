package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * health-service's {@code dev.lifeboat.backup.verified} marks a backup verified (which retention
 * protects) only when it names the sha256 of the backup's manifest.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "verdicts"),
      @ResourceArg(name = "control", value = "lifeboat_verdicts")
    })
class VerificationVerdictIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DATABASE = "verdicts";
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final ObjectMapper json = new ObjectMapper();
  private TopicRecorder events;

  @BeforeEach
  void setUp() {
    ShopDatabase.create(pg, DATABASE);
    events = kafka.recorder(Topics.EVENTS);
  }

  @AfterEach
  void tearDown() {
    events.close();
  }

  private String backup() throws Exception {
    String id = "verdict-" + UUID.randomUUID();
    kafka.send(
        Topics.BACKUP_REQUESTS,
        DATABASE,
        """
        {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
         "data":{"database":"%s"}}"""
            .formatted(id, DATABASE),
        Map.of());
    String record =
        events
            .await(
                r ->
                    r.value().contains("\"correlationid\":\"" + id + "\"")
                        && r.value().contains("\"type\":\"dev.lifeboat.backup.completed\""),
                1,
                WAIT)
            .get(0)
            .value();
    return json.readTree(record).path("data").path("backupId").asText();
  }

  /** A verdict as health-service publishes it; {@code sha256} null leaves the field out. */
  private void verdict(String backupId, String sha256) {
    kafka.send(
        Topics.EVENTS,
        DATABASE,
        """
        {"specversion":"1.0","id":"%s","source":"/lifeboat/health-service","type":"dev.lifeboat.backup.verified",
         "subject":"%s","data":{"verificationId":"vf-%s","backupId":"%s","database":"%s","checksumOk":true%s}}"""
            .formatted(
                UUID.randomUUID(),
                DATABASE,
                UUID.randomUUID(),
                backupId,
                DATABASE,
                sha256 == null ? "" : ",\"sha256\":\"" + sha256 + "\""),
        Map.of());
  }

  private static String view(String backupId, String field) {
    return given()
        .header("Authorization", "Bearer " + Tokens.forRoles("ops", Roles.VIEWER))
        .get("/api/v1/backups/" + backupId)
        .then()
        .statusCode(200)
        .extract()
        .path(field);
  }

  @Test
  void aVerdictCountsOnlyWhenItNamesTheManifestsSha256() throws Exception {
    String backupId = backup();
    String marker = backup();
    String sha256 = view(backupId, "sha256");

    verdict(backupId, "0".repeat(64));
    verdict(backupId, null);
    // Verdicts on one database are read in order: once the marker's counts, the two above were
    // read too.
    verdict(marker, view(marker, "sha256"));
    await().atMost(WAIT).until(() -> view(marker, "verifiedAt") != null);
    assertNull(view(backupId, "verifiedAt"), "a verdict on other bytes, or on none, counts not");

    verdict(backupId, sha256);
    await().atMost(WAIT).until(() -> view(backupId, "verifiedAt") != null);
  }
}
