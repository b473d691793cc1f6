package dev.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.HostileMessages;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.ReadinessWatch;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand hostile records on the restore command topic, read by the packaged service in its
 * own JVM with the shipped heap: each is dead-lettered with its reason and rejected with a {@code
 * command.rejected} event, no restore is recorded and the target is untouched, the service stays
 * ready throughout, does not run out of memory, and runs the confirmed restore that follows.
 */
class HostileCommandsIT {
  private static final String CONTROL = "lifeboat_restore_hostile";
  private static final String TARGET = "hostileshop";
  private static final int COUNT = 10_000;
  private static final int HUGE = 10;

  /** Topics of its own, with room for the huge records, that no other test's service reads. */
  private final String commands = "hostile-" + UUID.randomUUID() + ".restore.commands";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private final HostileMessages hostile =
      new HostileMessages(
          "dev.lifeboat.restore.confirmed",
          TARGET,
          """
          {"restoreId":"rs_20260102T143022Z_0000beef","backupId":"bk_20260102T143022Z_0000beef",\
          "database":"%s","mode":"SWAP","tables":[],"safetyBackup":false}"""
              .formatted(TARGET),
          HUGE);

  private ServiceProcess start() {
    // The shipped heap; a JVM out of memory exits rather than limps on.
    return new RestoreServiceProcess(CONTROL, commands)
        .target(TARGET, TARGET)
        .start("hostile", Map.of(), List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"));
  }

  @Test
  void tenThousandHostileCommandsAreDeadLetteredAndChangeNothing() throws Exception {
    s3.createBucket(S3Resource.DEFAULT_BUCKET);
    pg.dropDatabase(CONTROL);
    pg.createDatabase(CONTROL);
    pg.dropDatabase(TARGET);
    pg.createDatabase(TARGET);
    pg.execute(
        TARGET,
        "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100);");
    Manifest backup = StoredBackupFixture.backup(pg, s3, TARGET, null);
    pg.execute(TARGET, "DELETE FROM t WHERE id > 10");
    HostileMessages.createTopic(kafka, commands);

    try (ServiceProcess service = start();
        ReadinessWatch readiness = new ReadinessWatch(service.url(), Duration.ofMillis(250))) {
      List<Long> offsets = hostile.flood(kafka, commands, COUNT);
      // And a confirmed restore of a restore nobody planned, whose id is as long as a record
      // allows and holds a line break: its reason may quote it, but shortened and escaped.
      long forged = forgedConfirmation();
      List<Long> all = new java.util.ArrayList<>(offsets);
      all.add(forged);

      Map<Long, HostileMessages.DeadLetter> dead =
          HostileMessages.awaitDeadLetters(
              kafka, Topics.DEAD_LETTERS, commands, all, Duration.ofSeconds(180));
      assertEquals(
          Set.copyOf(offsets),
          Set.copyOf(dead.keySet().stream().filter(o -> o != forged).toList()),
          "every record dead-lettered, once");
      for (int i = 0; i < COUNT; i++) {
        var letter = dead.get(offsets.get(i));
        assertTrue(
            letter.reason() != null && !letter.reason().isBlank(),
            hostile.get(i).kind() + " " + i + " has a reason: " + letter);
        assertFalse("forged".equals(letter.reason()), "Lifeboat's reason, not the record's own");
      }
      for (int i = 0; i < HUGE; i++) {
        var letter = dead.get(offsets.get(i));
        assertEquals(
            "true", letter.deadLetterHeaders().get("dead-letter-truncated"), letter.toString());
        assertEquals(
            String.valueOf(hostile.get(i).value().length),
            letter.deadLetterHeaders().get("dead-letter-original-size"),
            letter.toString());
        assertTrue(letter.valueBytes() <= 256 * 1024, letter.toString());
      }
      String forgedReason = dead.get(forged).reason();
      assertTrue(forgedReason.startsWith("unknown restore rs_"), forgedReason);
      assertTrue(forgedReason.length() <= 1003, "shortened: " + forgedReason.length());
      assertFalse(forgedReason.contains("\n"), "escaped");

      Map<Long, String> rejected =
          HostileMessages.awaitRejections(
              kafka, Topics.EVENTS, commands, all, Duration.ofSeconds(120));
      assertTrue(rejected.keySet().containsAll(offsets), "a command.rejected event for every one");
      JsonNode forgedRejection = json.readTree(rejected.get(forged));
      assertEquals(forgedReason, forgedRejection.path("data").path("reason").asText());

      assertEquals(
          0, pg.queryLong(CONTROL, "SELECT count(*) FROM restore.restores"), "no restore recorded");
      assertEquals(10, pg.queryLong(TARGET, "SELECT count(*) FROM t"), "the target untouched");
      assertTrue(service.alive(), "the service survived the flood");
      assertEquals(List.of(), readiness.failures(), "ready throughout");
      assertTrue(readiness.polls() > 0);

      // It still runs a confirmed restore, and does that one thing.
      try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
        JsonNode plan =
            post(
                service,
                "/api/v1/restores",
                "{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"" + TARGET + "\"}",
                201);
        String restoreId = plan.path("restoreId").asText();
        post(
            service,
            "/api/v1/restores/" + restoreId + "/confirm",
            "{\"confirmationCode\":\"" + plan.path("confirmationCode").asText() + "\"}",
            202);
        events.await(
            r ->
                r.value().contains("\"correlationid\":\"" + restoreId + "\"")
                    && r.value().contains("\"type\":\"dev.lifeboat.restore.completed\""),
            1,
            Duration.ofSeconds(90));
        assertEquals(100, pg.queryLong(TARGET, "SELECT count(*) FROM t"));
        assertEquals(1, pg.queryLong(CONTROL, "SELECT count(*) FROM restore.restores"));
        pg.dropDatabase(TARGET + "_pre_" + restoreId);
      }
      assertTrue(service.alive());
      assertEquals(List.of(), readiness.failures(), "ready at the end");
      assertFalse(
          service.peakResidentBytes() > 1024L * 1024 * 1024,
          "peak resident memory " + service.peakResidentBytes());
    }
  }

  /** Publishes the forged confirmation and returns its offset. */
  private long forgedConfirmation() {
    String restoreId = "rs_\nforged log line " + "x".repeat(100_000);
    String command =
        """
        {"specversion":"1.0","id":"forged-%s","source":"/hostile","type":"dev.lifeboat.restore.confirmed",
         "subject":"%s","data":{"restoreId":"%s","backupId":"bk_20260102T143022Z_0000beef",
         "database":"%s","mode":"SWAP","tables":[],"safetyBackup":false}}"""
            .formatted(UUID.randomUUID(), TARGET, restoreId.replace("\n", "\\n"), TARGET);
    try (var producer = kafka.producer()) {
      return producer
          .send(new org.apache.kafka.clients.producer.ProducerRecord<>(commands, TARGET, command))
          .get()
          .offset();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
}
