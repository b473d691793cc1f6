package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.backup.retention.LeftoverSweep;
import dev.lifeboat.backup.retention.Retention;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A restore's hold ({@code <database>/<backupId>/holds/<holder>}, placed with archive's {@code
 * StoredBackups.hold} as restore-service does) keeps a backup from retention, from {@code DELETE}
 * and from the leftover sweep until it is released.
 */
@QuarkusTest
@TestProfile(BackupHoldsIT.Profile.class)
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "held"),
      @ResourceArg(name = "control", value = "lifeboat_holds")
    })
class BackupHoldsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DATABASE = "held";
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final StoredBackups stored = new StoredBackups(TestServers.s3());
  private TopicRecorder events;

  @Inject dev.lifeboat.archive.storage.StoredBackups backups;
  @Inject Retention retention;
  @Inject LeftoverSweep sweep;

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("lifeboat.databases.held.retention.keep-last", "1");
    }
  }

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
    String id = "hold-" + UUID.randomUUID();
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
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(record)
        .path("data")
        .path("backupId")
        .asText();
  }

  private static String bearer(String role) {
    return "Bearer " + Tokens.forRoles("ops", role);
  }

  private List<String> keys(String backupId) throws Exception {
    return stored.keys(DATABASE + "/" + backupId + "/").stream().sorted().toList();
  }

  @Test
  void aHeldBackupIsNeitherPrunedNorDeletedNorSweptUntilReleased() throws Exception {
    String old = backup();
    backups.hold(DATABASE, old, "rs_test_1");
    assertTrue(backups.held(DATABASE, old));
    String prefix = DATABASE + "/" + old + "/";
    List<String> heldKeys =
        List.of(prefix + "dump", prefix + "holds/rs_test_1", prefix + "manifest.json");
    assertEquals(heldKeys, keys(old));

    // keep-last 1: the newer backup would prune the old one, which is held.
    String newer = backup();
    assertEquals(0, retention.apply(DATABASE), "nothing pruned while held");
    assertEquals(heldKeys, keys(old));

    given()
        .header("Authorization", bearer(Roles.ADMIN))
        .delete("/api/v1/backups/" + old)
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", equalTo("backup is in use by restore rs_test_1"));
    given()
        .header("Authorization", bearer(Roles.VIEWER))
        .get("/api/v1/backups/" + old)
        .then()
        .statusCode(200)
        .body("status", equalTo("COMPLETED"));

    assertFalse(sweep.sweep(DATABASE).contains(old), "a held backup is no leftover");
    assertEquals(heldKeys, keys(old));

    backups.release(DATABASE, old, "rs_test_1");
    backups.release(DATABASE, old, "rs_test_1"); // releasing twice is harmless
    assertFalse(backups.held(DATABASE, old));
    assertEquals(1, retention.apply(DATABASE), "released, it goes");
    assertEquals(List.of(), keys(old), "its objects, holds included, are gone");
    assertTrue(keys(newer).contains(DATABASE + "/" + newer + "/manifest.json"));
  }

  @Test
  void aHolderIsOnePlainName() {
    assertThrows(
        IllegalArgumentException.class, () -> backups.hold(DATABASE, "bk_x", "../manifest.json"));
  }
}
