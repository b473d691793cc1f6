package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.HostileMessages;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.ReadinessWatch;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.TopicRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand hostile records on the backup command topic, read by the packaged service in its own
 * JVM with the shipped heap: each is dead-lettered with its reason and rejected with a {@code
 * command.rejected} event, no backup is recorded, the service stays ready throughout, does not run
 * out of memory, and takes the valid command that follows.
 */
class HostileCommandsIT {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final String CONTROL = "lifeboat_hostile";
  private static final String TARGET = "hostile";
  private static final int COUNT = 10_000;
  private static final int HUGE = 10;

  /** A topic of its own, with room for the huge records, that no other test's service reads. */
  private final String requests = "hostile-" + UUID.randomUUID() + ".backup.requests";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();

  private final HostileMessages hostile =
      new HostileMessages(
          "dev.lifeboat.backup.requested",
          TARGET,
          "{\"database\":\"" + TARGET + "\",\"reason\":\"hostile\",\"requestedBy\":\"x\"}",
          HUGE);

  private ServiceProcess start() {
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", String.valueOf(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    env.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    env.put("LIFEBOAT_S3_ACCESS_KEY", s3.accessKey());
    env.put("LIFEBOAT_S3_SECRET_KEY", s3.secretKey());
    env.put("LIFEBOAT_S3_BUCKET", S3Resource.DEFAULT_BUCKET);
    Map<String, String> properties = new HashMap<>();
    properties.put("quarkus.datasource.reactive.url", pg.url(CONTROL));
    properties.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(CONTROL));
    properties.put("lifeboat.databases." + TARGET + ".url", pg.url(TARGET));
    properties.put("lifeboat.databases." + TARGET + ".username", pg.username());
    properties.put("lifeboat.databases." + TARGET + ".password", pg.password());
    properties.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    properties.put("mp.messaging.incoming.backup-requests.topic", requests);
    properties.put("mp.messaging.outgoing.backup-commands.topic", requests);
    properties.put("mp.jwt.verify.publickey.location", ServiceProcess.jwtPublicKeyFile());
    // The shipped heap; a JVM out of memory exits rather than limps on.
    return ServiceProcess.start(
            JAR.toAbsolutePath(),
            List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
            env,
            properties,
            TestServers.baseDir().resolve("hostile-backup.log"))
        .awaitReady(Duration.ofSeconds(60));
  }

  @Test
  void tenThousandHostileCommandsAreDeadLetteredAndChangeNothing() throws Exception {
    s3.createBucket(S3Resource.DEFAULT_BUCKET);
    pg.dropDatabase(CONTROL);
    pg.createDatabase(CONTROL);
    pg.createDatabase(TARGET);
    pg.execute(
        TARGET,
        "DROP TABLE IF EXISTS t; CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g;");
    HostileMessages.createTopic(kafka, requests);

    try (ServiceProcess service = start();
        ReadinessWatch readiness = new ReadinessWatch(service.url(), Duration.ofMillis(250))) {
      List<Long> offsets = hostile.flood(kafka, requests, COUNT);

      Map<Long, HostileMessages.DeadLetter> dead =
          HostileMessages.awaitDeadLetters(
              kafka, Topics.DEAD_LETTERS, requests, offsets, Duration.ofSeconds(180));
      assertEquals(Set.copyOf(offsets), dead.keySet(), "every record dead-lettered, once");
      for (int i = 0; i < COUNT; i++) {
        var letter = dead.get(offsets.get(i));
        assertTrue(
            letter.reason() != null && !letter.reason().isBlank(),
            hostile.get(i).kind() + " " + i + " has a reason: " + letter);
        assertFalse("forged".equals(letter.reason()), "Lifeboat's reason, not the record's own");
      }
      // A huge record is dead-lettered cut to its first bytes, saying so and how big it was.
      for (int i = 0; i < HUGE; i++) {
        var original = hostile.get(i);
        var letter = dead.get(offsets.get(i));
        assertEquals(
            "true", letter.deadLetterHeaders().get("dead-letter-truncated"), letter.toString());
        assertEquals(
            String.valueOf(original.value().length),
            letter.deadLetterHeaders().get("dead-letter-original-size"),
            letter.toString());
        assertTrue(letter.valueBytes() <= 256 * 1024, letter.toString());
      }

      Map<Long, String> rejected =
          HostileMessages.awaitRejections(
              kafka, Topics.EVENTS, requests, offsets, Duration.ofSeconds(120));
      assertEquals(
          Set.copyOf(offsets), rejected.keySet(), "a command.rejected event for every record");

      assertEquals(
          0, pg.queryLong(CONTROL, "SELECT count(*) FROM backup.backups"), "no backup recorded");
      assertTrue(service.alive(), "the service survived the flood");
      assertEquals(List.of(), readiness.failures(), "ready throughout");
      assertTrue(readiness.polls() > 0);
      long heapUsed = heapUsedBytes(service);
      assertTrue(heapUsed < 256L * 1024 * 1024, "heap used " + heapUsed);

      // It still takes a valid command, and does that one thing.
      String id = "after-flood-" + UUID.randomUUID();
      try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
        kafka.send(
            requests,
            TARGET,
            """
            {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
             "subject":"%s","data":{"database":"%s","reason":"after the flood"}}"""
                .formatted(id, TARGET, TARGET),
            Map.of());
        events.await(
            r ->
                r.value().contains("\"correlationid\":\"" + id + "\"")
                    && r.value().contains("dev.lifeboat.backup.completed"),
            1,
            Duration.ofSeconds(60));
      }
      assertEquals(1, pg.queryLong(CONTROL, "SELECT count(*) FROM backup.backups"));
      assertTrue(service.alive());
      assertEquals(List.of(), readiness.failures(), "ready at the end");
      assertFalse(
          service.peakResidentBytes() > 1024L * 1024 * 1024,
          "peak resident memory " + service.peakResidentBytes());
    }
  }

  private static long heapUsedBytes(ServiceProcess service) throws Exception {
    long used = 0;
    for (String line : service.metrics().split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return used;
  }
}
