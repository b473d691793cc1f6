package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.ImpatientEventProducer;
import dev.lifeboat.testsupport.LocalKafka;
import dev.lifeboat.testsupport.OwnKafkaResource;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The broker stops for 30 s in the middle of a backup and comes back: the backup completes once,
 * and its {@code backup.completed} reaches {@code lifeboat.events}. The producer gives a record up
 * after a few seconds here (after two minutes by default), so the outage outlasts every publication
 * attempted during it: progress events are lost (they are not the backup's record), and the
 * backup's start and end are published once the broker is back. Before: the first progress event
 * that could not be published failed the backup.
 */
@QuarkusTest
@TestProfile(BrokerOutageIT.ImpatientProducer.class)
@WithTestResource(OwnKafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "outage"),
      @ResourceArg(name = "control", value = BrokerOutageIT.CONTROL)
    })
class BrokerOutageIT {
  /** Producer timeouts of seconds, so that the broker is down longer than a record is kept. */
  public static class ImpatientProducer implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return ImpatientEventProducer.overrides("lifeboat.backup.progress-bytes", "1048576");
    }
  }

  static final String CONTROL = "lifeboat_backup_outage";
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();

  /** The broker of this test alone (OwnKafkaResource), which it stops and starts again. */
  LocalKafka kafka;

  private static boolean is(ConsumerRecord<String, String> r, String backupId, String type) {
    return r.value().contains("\"backupId\":\"" + backupId + "\"")
        && r.value().contains("\"type\":\"" + type + "\"");
  }

  private String id(ConsumerRecord<String, String> record) {
    try {
      return json.readTree(record.value()).path("id").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aBackupOutlivesA30SecondBrokerOutageAndCompletesOnce() throws Exception {
    pg.execute(
        "outage",
        """
        DROP TABLE IF EXISTS blobs;
        CREATE TABLE blobs AS SELECT g AS id, md5(g::text) || md5((g * 3)::text) AS body
          FROM generate_series(1, 2000000) g;
        """);
    String key = "outage-" + UUID.randomUUID();
    try (TopicRecorder events = kafka.endpoint().recorder(Topics.EVENTS)) {
      String backupId =
          given()
              .header("Authorization", "Bearer " + Tokens.forRoles("pipe", Roles.PIPELINE))
              .header("Idempotency-Key", key)
              .contentType("application/json")
              .body("{\"database\":\"outage\",\"reason\":\"broker outage\"}")
              .post("/api/v1/backups")
              .then()
              .statusCode(202)
              .extract()
              .path("backupId");
      events.await(r -> is(r, backupId, "dev.lifeboat.backup.progress"), 1, Duration.ofSeconds(60));
      assertEquals("RUNNING", status(key), "the broker stops while the backup runs");
      kafka.stop();
      try {
        Thread.sleep(OUTAGE.toMillis());
      } finally {
        kafka.restart();
      }

      List<ConsumerRecord<String, String>> completed =
          events.await(
              r -> is(r, backupId, "dev.lifeboat.backup.completed"), 1, Duration.ofSeconds(120));
      // Read on for a while: a second copy (acceptable, with the same id) would come behind.
      Thread.sleep(3_000);
      completed = events.matching(r -> is(r, backupId, "dev.lifeboat.backup.completed"));
      Set<String> completedIds = completed.stream().map(this::id).collect(Collectors.toSet());
      assertEquals(1, completedIds.size(), "one backup.completed event: " + completed);
      assertEquals(
          List.of(),
          events.matching(r -> is(r, backupId, "dev.lifeboat.backup.failed")),
          "no backup.failed");

      assertEquals("COMPLETED", status(key));
      assertEquals(
          1,
          pg.queryLong(
              CONTROL, "SELECT count(*) FROM backup.backups WHERE command_id = '" + key + "'"),
          "one backup for the request");
      StoredBackups stored = new StoredBackups(TestServers.s3());
      assertEquals(
          List.of("outage/" + backupId + "/dump", "outage/" + backupId + "/manifest.json"),
          stored.keys("outage/" + backupId + "/").stream().sorted().toList());
      JsonNode manifest = stored.manifest("outage", backupId);
      assertEquals(
          StoredBackups.sha256(stored.read("outage/" + backupId + "/dump")),
          manifest.path("sha256").asText());
      assertEquals(2000000, manifest.path("tables").get(0).path("rows").asLong());
      JsonNode event = json.readTree(completed.get(0).value());
      assertEquals(manifest.path("sha256").asText(), event.path("data").path("sha256").asText());
      assertTrue(
          events.matching(r -> is(r, backupId, "dev.lifeboat.backup.started")).size() >= 1,
          "started published");
    }
  }

  private String status(String commandId) {
    try (var c = pg.connect(CONTROL);
        var s = c.prepareStatement("SELECT status FROM backup.backups WHERE command_id = ?")) {
      s.setString(1, commandId);
      var rs = s.executeQuery();
      return rs.next() ? rs.getString(1) : "none";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
