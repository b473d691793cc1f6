package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, killed with SIGKILL in the middle of a backup and started again: Kafka
 * redelivers the unacknowledged command and the same backup completes, once.
 */
class CrashRecoveryIT {

  /** A topic of its own, so that no other test's service consumes these commands. */
  private static final String REQUESTS = "crash-test.backup.requests";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final ObjectMapper json = new ObjectMapper();

  private ServiceProcess start(String name) {
    return new BackupServiceProcess("lifeboat_crash", REQUESTS)
        .target("crashy")
        .property("lifeboat.backup.progress-bytes", "1048576")
        .start("crash-" + name);
  }

  private static boolean is(
      ConsumerRecord<String, String> record, String correlation, String type) {
    return record.value().contains("\"correlationid\":\"" + correlation + "\"")
        && record.value().contains("\"type\":\"" + type + "\"");
  }

  @Test
  void aBackupInterruptedByACrashCompletesOnceAfterRestart() throws Exception {
    s3.createBucket(S3Resource.DEFAULT_BUCKET);
    pg.createDatabase("lifeboat_crash");
    pg.createDatabase("crashy");
    pg.execute(
        "crashy",
        """
        DROP TABLE IF EXISTS blobs;
        CREATE TABLE blobs AS SELECT g AS id, md5(g::text) || md5((g * 3)::text) AS body
          FROM generate_series(1, 900000) g;
        """);
    String id = "crash-" + UUID.randomUUID();

    try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      try (ServiceProcess first = start("first")) {
        kafka.send(
            REQUESTS,
            "crashy",
            """
            {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
             "subject":"crashy","data":{"database":"crashy","migration":"m-crash"}}"""
                .formatted(id),
            Map.of());
        JsonNode progress =
            json.readTree(
                events
                    .await(
                        r -> is(r, id, "dev.lifeboat.backup.progress"), 1, Duration.ofSeconds(60))
                    .get(0)
                    .value());
        assertTrue(progress.path("data").path("bytesDumped").asLong() > 0, progress.toString());
        first.kill();
      }
      assertEquals("RUNNING", status(id), "the crash left the backup running");

      try (ServiceProcess second = start("second")) {
        String backupId =
            json.readTree(
                    events
                        .await(
                            r -> is(r, id, "dev.lifeboat.backup.completed"),
                            1,
                            Duration.ofSeconds(120))
                        .get(0)
                        .value())
                .path("data")
                .path("backupId")
                .asText();

        assertEquals("COMPLETED", status(id));
        assertEquals(
            1,
            pg.queryLong(
                "lifeboat_crash",
                "SELECT count(*) FROM backup.backups WHERE command_id = '" + id + "'"),
            "one backup for the command");
        assertEquals(1, events.matching(r -> is(r, id, "dev.lifeboat.backup.requested")).size());
        assertEquals(1, events.matching(r -> is(r, id, "dev.lifeboat.backup.completed")).size());
        assertTrue(
            events.matching(r -> is(r, id, "dev.lifeboat.backup.started")).size() >= 2,
            "it ran again");

        StoredBackups stored = new StoredBackups(s3);
        assertEquals(
            List.of("crashy/" + backupId + "/dump", "crashy/" + backupId + "/manifest.json"),
            stored.keys("crashy/" + backupId + "/").stream().sorted().toList());
        JsonNode manifest = stored.manifest("crashy", backupId);
        assertEquals(
            StoredBackups.sha256(stored.read("crashy/" + backupId + "/dump")),
            manifest.path("sha256").asText());
        assertEquals(900000, manifest.path("tables").get(0).path("rows").asLong());
        // The restarted service finished the backup and stays ready for the next.
        assertEquals(
            200,
            java.net.http.HttpClient.newHttpClient()
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(second.url() + "/q/health/ready"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode());
      }
    }
  }

  private String status(String commandId) {
    try (var c = pg.connect("lifeboat_crash");
        var s = c.prepareStatement("SELECT status FROM backup.backups WHERE command_id = ?")) {
      s.setString(1, commandId);
      var rs = s.executeQuery();
      return rs.next() ? rs.getString(1) : "none";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
