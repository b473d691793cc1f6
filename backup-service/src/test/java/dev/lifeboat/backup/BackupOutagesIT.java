package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.CuttingProxy;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import dev.lifeboat.testsupport.TopicRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dependency away in the middle of a backup, against the packaged service: object storage
 * unreachable (a partition: nothing moves, nothing is refused) for 60 s mid-upload, and the control
 * database refusing every connection for 30 s. Each backup ends exactly once — COMPLETED with a
 * manifest whose sha256 is the stored dump's, or FAILED with nothing stored — and the next backup
 * completes. While the control database is away readiness says so; the backup runs again by itself.
 */
class BackupOutagesIT {
  private static final String REQUESTS = "outages-test.backup.requests";
  private static final String DATABASE = "outaged";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final StoredBackups stored = new StoredBackups(s3);
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void servers() {
    PostgresEndpoint pg = TestServers.postgres();
    TestServers.kafka();
    TestServers.s3().createBucket(S3Resource.DEFAULT_BUCKET);
    pg.createDatabase(DATABASE);
    // About 60 MB of hex text: a dump of several 5 MiB parts even after zstd.
    pg.execute(
        DATABASE,
        """
        DROP TABLE IF EXISTS blobs;
        CREATE TABLE blobs AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS body
          FROM generate_series(1, 900000) g;
        """);
  }

  @Test
  void objectStorageUnreachableForAMinuteMidUpload() throws Exception {
    URI storage = URI.create(s3.url());
    try (CuttingProxy proxy = new CuttingProxy(storage.getHost(), storage.getPort());
        TopicRecorder events = kafka.recorder(Topics.EVENTS);
        ServiceProcess service =
            service("s3")
                .env("LIFEBOAT_S3_ENDPOINT", "http://127.0.0.1:" + proxy.port())
                .start("s3")) {
      String backupId = request(service);
      awaitStored(service, backupId);
      long cut = System.nanoTime();
      proxy.blackholeFor(Duration.ofSeconds(60));
      JsonNode end = awaitEnd(service, backupId, Duration.ofSeconds(300));
      System.out.printf(
          "object storage outage: the backup ended %d s after the cut: %s%n",
          (System.nanoTime() - cut) / 1_000_000_000L, end);
      assertEndedOnce(events, end, backupId);
      // Storage is back: the next backup completes.
      assertEquals(
          "COMPLETED",
          awaitEnd(service, request(service), Duration.ofSeconds(120)).path("status").asText());
    }
  }

  @Test
  void controlDatabaseAwayForThirtySecondsDuringABackup() throws Exception {
    String control = "lifeboat_backup_outage_control";
    try (CuttingProxy proxy = new CuttingProxy(pg.host(), pg.port());
        TopicRecorder events = kafka.recorder(Topics.EVENTS);
        ServiceProcess service =
            service("control").controlAt("127.0.0.1", proxy.port(), control).start("control")) {
      String backupId = request(service);
      awaitStored(service, backupId);
      long cut = System.nanoTime();
      proxy.refuseFor(Duration.ofSeconds(30));
      boolean sawDown = false;
      while (System.nanoTime() - cut < Duration.ofSeconds(28).toNanos()) {
        sawDown |= ready(service) == 503;
        Thread.sleep(1_000);
      }
      assertTrue(sawDown, "readiness is DOWN while the control database is away");
      JsonNode end = awaitEnd(service, backupId, Duration.ofSeconds(180));
      System.out.printf(
          "control database outage: the backup ended %d s after the cut: %s%n",
          (System.nanoTime() - cut) / 1_000_000_000L, end);
      long readyBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (ready(service) != 200 && System.nanoTime() < readyBy) {
        Thread.sleep(500);
      }
      assertEquals(200, ready(service), "ready again once the control database is back");
      assertEndedOnce(events, end, backupId);
      assertEquals(
          "COMPLETED",
          awaitEnd(service, request(service), Duration.ofSeconds(120)).path("status").asText());
    }
  }

  private int ready(ServiceProcess service) throws Exception {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** COMPLETED with its dump's sha256 in the manifest, or FAILED with nothing stored; one event. */
  private void assertEndedOnce(TopicRecorder events, JsonNode end, String backupId)
      throws Exception {
    String prefix = DATABASE + "/" + backupId + "/";
    String status = end.path("status").asText();
    String type = "COMPLETED".equals(status) ? "completed" : "failed";
    if ("COMPLETED".equals(status)) {
      JsonNode manifest = json.readTree(stored.read(prefix + "manifest.json"));
      assertEquals(
          StoredBackups.sha256(stored.read(prefix + "dump")),
          manifest.path("sha256").asText(),
          "the manifest names the stored dump's sha256");
    } else {
      assertEquals("FAILED", status, end.toString());
      assertEquals(List.of(), stored.keys(prefix), "a failed backup leaves nothing stored");
    }
    var ends =
        events.await(
            r ->
                r.value().contains("\"type\":\"dev.lifeboat.backup." + type + "\"")
                    && r.value().contains(backupId),
            1,
            Duration.ofSeconds(120));
    Set<String> ids =
        ends.stream()
            .map(
                r -> {
                  try {
                    return json.readTree(r.value()).path("id").asText();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .collect(Collectors.toSet());
    assertEquals(1, ids.size(), "one ending, under one id: " + ids);
    String other = "COMPLETED".equals(status) ? "failed" : "completed";
    assertEquals(
        List.of(),
        events.matching(
            r ->
                r.value().contains("\"type\":\"dev.lifeboat.backup." + other + "\"")
                    && r.value().contains(backupId)),
        "never both completed and failed");
  }

  private String request(ServiceProcess service) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/backups"))
                .header("Authorization", "Bearer " + Tokens.forRoles("pia", "lifeboat-pipeline"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"database\":\"" + DATABASE + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, answer.statusCode(), answer.body());
    return json.readTree(answer.body()).path("backupId").asText();
  }

  private JsonNode view(ServiceProcess service, String backupId) throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(service.url() + "/api/v1/backups/" + backupId))
                .header("Authorization", "Bearer " + Tokens.forRoles("vic", "lifeboat-viewer"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return answer.statusCode() == 200 ? json.readTree(answer.body()) : json.createObjectNode();
  }

  /** Until the dump is being stored: the outage then falls in the middle of the upload. */
  private void awaitStored(ServiceProcess service, String backupId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode backup = view(service, backupId);
      if (backup.path("progress").path("bytesStored").asLong(0) > 0) {
        return;
      }
      assertTrue(
          !"COMPLETED".equals(backup.path("status").asText()),
          "the backup ended before the outage: make the table larger");
      Thread.sleep(100);
    }
    throw new AssertionError("backup " + backupId + " stored nothing within 120 s");
  }

  private JsonNode awaitEnd(ServiceProcess service, String backupId, Duration wait)
      throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    JsonNode backup = view(service, backupId);
    while (System.nanoTime() < deadline) {
      backup = view(service, backupId);
      String status = backup.path("status").asText();
      if (status.equals("COMPLETED") || status.equals("FAILED")) {
        return backup;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("backup " + backupId + " did not end within " + wait + ": " + backup);
  }

  /** The packaged service with its own control database and requests topic for this test. */
  private static BackupServiceProcess service(String name) {
    return new BackupServiceProcess("lifeboat_backup_outage_" + name, REQUESTS + "-" + name)
        .target(DATABASE)
        .property("lifeboat.storage.part-size", "5242880")
        .property("lifeboat.backup.progress-bytes", "65536");
  }
}
