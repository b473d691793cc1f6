package dev.lifeboat.backup;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
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
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two backups of one database are requested; the broker stops while the first runs and stays down
 * until both have completed: their starts and endings wait in {@code backup.outbox}, and once the
 * broker is back each of {@code backup.requested}, {@code backup.started} and {@code
 * backup.completed} reaches {@code lifeboat.events} exactly once per backup. Before the outbox the
 * first backup's worker waited for the broker to take its {@code backup.completed} (for up to five
 * minutes), so the second backup did not even start while the broker was down.
 */
@QuarkusTest
@TestProfile(BrokerDownIT.ImpatientProducer.class)
@WithTestResource(OwnKafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "down"),
      @ResourceArg(name = "control", value = BrokerDownIT.CONTROL)
    })
class BrokerDownIT {
  /** Producer timeouts of seconds, so that the broker is down longer than a record is kept. */
  public static class ImpatientProducer implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return ImpatientEventProducer.overrides(
          "lifeboat.outbox.publish-timeout",
          "20s",
          "lifeboat.outbox.max-retry-backoff",
          "5s",
          "lifeboat.backup.progress-bytes",
          "1048576");
    }
  }

  static final String CONTROL = "lifeboat_backup_down";
  private static final String STARTED = "dev.lifeboat.backup.started";
  private static final String COMPLETED = "dev.lifeboat.backup.completed";
  private static final String REQUESTED = "dev.lifeboat.backup.requested";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();

  /** The broker of this test alone (OwnKafkaResource), which it stops and starts again. */
  LocalKafka kafka;

  private static boolean is(ConsumerRecord<String, String> r, String backupId, String type) {
    return r.value().contains("\"backupId\":\"" + backupId + "\"")
        && r.value().contains("\"type\":\"" + type + "\"");
  }

  @Test
  void backupsFinishedWhileTheBrokerIsDownAreAnnouncedOnceWhenItIsBack() throws Exception {
    pg.execute(
        "down",
        """
        DROP TABLE IF EXISTS blobs;
        CREATE TABLE blobs AS SELECT g AS id, md5(g::text) || md5((g * 3)::text) AS body
          FROM generate_series(1, 2000000) g;
        """);
    String keyA = "down-a-" + UUID.randomUUID();
    String keyB = "down-b-" + UUID.randomUUID();
    try (TopicRecorder events = kafka.endpoint().recorder(Topics.EVENTS)) {
      String first = request(keyA);
      // One backup per database at a time: the second waits for the first.
      String second = request(keyB);
      events.await(r -> is(r, second, REQUESTED), 1, Duration.ofSeconds(30));
      events.await(r -> is(r, first, "dev.lifeboat.backup.progress"), 1, Duration.ofSeconds(60));
      // The consumer took both commands right after the broker had them.
      Thread.sleep(2_000);
      assertEquals("RUNNING", status(keyA), "the broker stops while the first backup runs");
      assertEquals("REQUESTED", status(keyB), "the second backup waits for the first");

      kafka.stop();
      try {
        await()
            .atMost(Duration.ofSeconds(240))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> "COMPLETED".equals(status(keyA)) && "COMPLETED".equals(status(keyB)));
        for (String backupId : List.of(first, second)) {
          assertEquals(
              1,
              pg.queryLong(
                  CONTROL,
                  "SELECT count(*) FROM backup.outbox WHERE sent_at IS NULL AND event_id = '"
                      + CloudEvent.onceId(EventType.BACKUP_COMPLETED, backupId)
                      + "'"),
              "backup.completed of " + backupId + " waits in the outbox");
        }
        assertEquals(
            1,
            pg.queryLong(
                CONTROL,
                "SELECT count(*) FROM backup.outbox WHERE sent_at IS NULL AND payload LIKE '%"
                    + STARTED
                    + "%' AND payload LIKE '%"
                    + second
                    + "%'"),
            "backup.started of the second backup waits in the outbox");
      } finally {
        kafka.restart();
      }

      for (String backupId : List.of(first, second)) {
        events.await(r -> is(r, backupId, COMPLETED), 1, Duration.ofSeconds(60));
      }
      // Read on for a while: a second copy would come right behind the first.
      Thread.sleep(3_000);
      for (String backupId : List.of(first, second)) {
        for (String type : List.of(REQUESTED, STARTED, COMPLETED)) {
          List<ConsumerRecord<String, String>> copies = events.matching(r -> is(r, backupId, type));
          assertEquals(1, copies.size(), type + " of " + backupId + " once: " + copies);
          assertEquals("down", copies.get(0).key());
        }
        var completed =
            json.readTree(events.matching(r -> is(r, backupId, COMPLETED)).get(0).value());
        assertEquals(
            CloudEvent.onceId(EventType.BACKUP_COMPLETED, backupId), completed.path("id").asText());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  pg.queryLong(CONTROL, "SELECT count(*) FROM backup.outbox WHERE sent_at IS NULL")
                      == 0);
    }
  }

  private String request(String key) {
    return given()
        .header("Authorization", "Bearer " + Tokens.forRoles("pipe", Roles.PIPELINE))
        .header("Idempotency-Key", key)
        .contentType("application/json")
        .body("{\"database\":\"down\",\"reason\":\"broker down\"}")
        .post("/api/v1/backups")
        .then()
        .statusCode(202)
        .extract()
        .path("backupId");
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
