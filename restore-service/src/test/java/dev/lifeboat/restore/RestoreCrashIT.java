package dev.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import dev.lifeboat.testsupport.TopicRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The packaged restore-service, killed with SIGKILL in the middle of a SWAP restore and started
 * again: the target is untouched meanwhile, and the redelivered command drops the half-restored
 * scratch database and completes the restore, once.
 */
class RestoreCrashIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private RestoreServiceProcess service;

  private ServiceProcess start(String name) {
    return service.start(name, Map.of());
  }

  private static boolean is(ConsumerRecord<String, String> r, String correlation, String type) {
    return r.value().contains("\"correlationid\":\"" + correlation + "\"")
        && r.value().contains("\"type\":\"" + type + "\"");
  }

  private JsonNode post(ServiceProcess service, String path, String body, int expected)
      throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(service.url() + path))
                .header("Authorization", "Bearer " + Tokens.forRoles("rita", Roles.RESPONDER))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), response.body());
    return json.readTree(response.body());
  }

  @Test
  @SuppressWarnings("try") // the resource is held, not used: a running service, a held lock
  void aRestoreInterruptedByACrashLeavesTheTargetAloneAndCompletesOnceAfterRestart()
      throws Exception {
    service =
        new RestoreServiceProcess("lifeboat_restore_crash", "crash-test.restore.commands")
            .target("crashshop", "crashshop");
    pg.dropDatabase("crashshop");
    pg.createDatabase("crashshop");
    pg.execute(
        "crashshop",
        """
        CREATE TABLE blobs (id int PRIMARY KEY, body text);
        INSERT INTO blobs SELECT g, md5(g::text) || md5((g * 3)::text) || md5((g * 5)::text)
          FROM generate_series(1, 700000) g;
        """);
    Manifest backup = StoredBackupFixture.backup(pg, s3, "crashshop", null);
    pg.execute("crashshop", "DELETE FROM blobs WHERE id > 1000");

    try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      String restoreId;
      try (ServiceProcess first = start("first")) {
        JsonNode plan =
            post(
                first,
                "/api/v1/restores",
                "{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"crashshop\"}",
                201);
        restoreId = plan.path("restoreId").asText();
        post(
            first,
            "/api/v1/restores/" + restoreId + "/confirm",
            "{\"confirmationCode\":\"" + plan.path("confirmationCode").asText() + "\"}",
            202);
        String id = restoreId;
        events.await(
            r ->
                is(r, id, "dev.lifeboat.restore.progress")
                    && r.value().contains("\"step\":\"restore-scratch\"")
                    && !r.value().contains("\"bytesRestored\":0"),
            1,
            Duration.ofSeconds(60));
        first.kill();
      }
      assertEquals(
          1000, pg.queryLong("crashshop", "SELECT count(*) FROM blobs"), "the target is untouched");
      assertEquals(
          "RUNNING",
          service.status(restoreId),
          "the crash left the restore running, its command unacknowledged");

      try (ServiceProcess second = start("second")) {
        String id = restoreId;
        events.await(r -> is(r, id, "dev.lifeboat.restore.completed"), 1, Duration.ofSeconds(180));
        assertEquals("COMPLETED", service.status(restoreId));
        assertEquals(700000, pg.queryLong("crashshop", "SELECT count(*) FROM blobs"));
        assertEquals(
            1000,
            pg.queryLong("crashshop_pre_" + restoreId, "SELECT count(*) FROM blobs"),
            "the database as it was is the undo");
        assertEquals(
            0,
            pg.queryLong(
                "postgres",
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'crashshop\\_lbr\\_%'"),
            "no scratch database left");
        assertEquals(
            1, events.matching(r -> is(r, id, "dev.lifeboat.restore.completed")).size(), "once");
        assertTrue(
            events.matching(r -> is(r, id, "dev.lifeboat.restore.started")).size() >= 2,
            "it ran again");
      } finally {
        pg.dropDatabase("crashshop_pre_" + restoreId);
      }
    }
  }
}
