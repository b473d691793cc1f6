package dev.lifeboat.backup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.failpoints.Failpoints;
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
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged service halted at each of the backup's failpoints (docs/testing.md) and started
 * again: the backup completes once, a stored manifest is kept as it was (not removed and dumped
 * again), and {@code backup.completed} keeps one event id however often it is published.
 */
class BackupFailpointsIT {

  /** A topic of its own, so that no other test's service consumes these commands. */
  private static final String REQUESTS = "failpoints-test.backup.requests";

  private static final String CONTROL = "lifeboat_failpoints";
  private static final String DATABASE = "faulty";

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final StoredBackups stored = new StoredBackups(s3);
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void servers() {
    PostgresEndpoint pg = TestServers.postgres();
    // Kafka before S3: a local broker's start ends the S3Proxy found under target/lifeboat-it,
    // even this JVM's own.
    TestServers.kafka();
    TestServers.s3().createBucket(S3Resource.DEFAULT_BUCKET);
    pg.createDatabase(CONTROL);
    pg.createDatabase(DATABASE);
    pg.execute(
        DATABASE,
        """
        DROP TABLE IF EXISTS items;
        CREATE TABLE items AS SELECT g AS id, md5(g::text) AS body FROM generate_series(1, 20000) g;
        """);
  }

  private ServiceProcess start(String name, String failpoints) {
    BackupServiceProcess service = new BackupServiceProcess(CONTROL, REQUESTS).target(DATABASE);
    if (failpoints != null) {
      service.env(Failpoints.VARIABLE, failpoints);
    }
    return service.start("failpoints-" + name);
  }

  private static boolean is(
      ConsumerRecord<String, String> record, String correlation, String type) {
    return record.value().contains("\"correlationid\":\"" + correlation + "\"")
        && record.value().contains("\"type\":\"" + type + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"backup.after-upload", "backup.after-manifest", "backup.after-catalog"})
  void aBackupHaltedAtAFailpointCompletesOnceAfterRestart(String point) throws Exception {
    String id = "failpoint-" + point + "-" + UUID.randomUUID();
    try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      try (ServiceProcess first = start(point + "-first", point)) {
        kafka.send(
            REQUESTS,
            DATABASE,
            """
            {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
             "subject":"%s","data":{"database":"%s","migration":"m-failpoint"}}"""
                .formatted(id, DATABASE, DATABASE),
            Map.of());
        assertEquals(
            Failpoints.HALT_STATUS, first.awaitExit(Duration.ofSeconds(120)), "halted at " + point);
      }
      String backupId = backupId(id);
      String prefix = DATABASE + "/" + backupId + "/";
      String manifestKey = prefix + "manifest.json";
      List<String> before = stored.keys(prefix).stream().sorted().toList();
      byte[] manifestBefore = null;
      switch (point) {
        case "backup.after-upload" -> {
          assertEquals(List.of(prefix + "dump"), before, "the dump and no manifest");
          assertEquals("RUNNING", status(id));
        }
        case "backup.after-manifest" -> {
          assertEquals(List.of(prefix + "dump", manifestKey), before);
          assertEquals("RUNNING", status(id));
          manifestBefore = stored.read(manifestKey);
        }
        default -> {
          assertEquals(List.of(prefix + "dump", manifestKey), before);
          assertEquals("COMPLETED", status(id));
          manifestBefore = stored.read(manifestKey);
        }
      }
      if (point.equals("backup.after-catalog")) {
        // The ending committed with the catalog row, in backup.outbox: the relay may even have
        // published it before the halt; either way it goes out under one id (asserted below).
        assertEquals(
            1,
            pg.queryLong(
                CONTROL,
                "SELECT count(*) FROM backup.outbox WHERE topic = 'lifeboat.events'"
                    + " AND payload LIKE '%dev.lifeboat.backup.completed%'"
                    + " AND payload LIKE '%"
                    + id
                    + "%'"),
            "backup.completed committed with the catalog");
      } else {
        assertTrue(
            events.matching(r -> is(r, id, "dev.lifeboat.backup.completed")).isEmpty(),
            "nothing announced the backup before the halt");
      }

      try (ServiceProcess second = start(point + "-second", null)) {
        events.await(r -> is(r, id, "dev.lifeboat.backup.completed"), 1, Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status(id)));

        assertEquals(
            1,
            pg.queryLong(
                CONTROL, "SELECT count(*) FROM backup.backups WHERE command_id = '" + id + "'"),
            "one backup for the command");
        assertEquals(
            List.of(prefix + "dump", manifestKey), stored.keys(prefix).stream().sorted().toList());
        byte[] manifestAfter = stored.read(manifestKey);
        if (manifestBefore != null) {
          assertArrayEquals(
              manifestBefore,
              manifestAfter,
              "the stored manifest is kept as it was: not removed and dumped again");
        }
        JsonNode manifest = json.readTree(manifestAfter);
        assertEquals(backupId, manifest.path("backupId").asText());
        assertEquals(
            StoredBackups.sha256(stored.read(prefix + "dump")),
            manifest.path("sha256").asText(),
            "the stored dump is the one the manifest describes");
        assertEquals(20000, manifest.path("tables").get(0).path("rows").asLong());

        List<ConsumerRecord<String, String>> completed =
            events.matching(r -> is(r, id, "dev.lifeboat.backup.completed"));
        Set<String> eventIds =
            completed.stream().map(r -> eventId(r.value())).collect(Collectors.toSet());
        assertEquals(1, eventIds.size(), "every backup.completed has one id: " + completed);
        assertTrue(
            events.matching(r -> is(r, id, "dev.lifeboat.backup.failed")).isEmpty(),
            "no backup.failed");
        long started = events.matching(r -> is(r, id, "dev.lifeboat.backup.started")).size();
        if (point.equals("backup.after-upload")) {
          assertEquals(2, started, "without a manifest the backup ran again");
        } else {
          assertEquals(1, started, "with its manifest stored the backup did not run again");
        }
        second.awaitReady(Duration.ofSeconds(10)); // and the restarted service stays ready
      }
    }
  }

  private String eventId(String value) {
    try {
      return json.readTree(value).path("id").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String backupId(String commandId) {
    return query("SELECT backup_id FROM backup.backups WHERE command_id = ?", commandId);
  }

  private String status(String commandId) {
    return query("SELECT status FROM backup.backups WHERE command_id = ?", commandId);
  }

  private String query(String sql, String commandId) {
    try (var c = pg.connect(CONTROL);
        var s = c.prepareStatement(sql)) {
      s.setString(1, commandId);
      var rs = s.executeQuery();
      return rs.next() ? rs.getString(1) : "none";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
