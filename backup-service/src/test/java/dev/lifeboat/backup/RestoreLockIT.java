package dev.lifeboat.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.TopicRecorder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A backup of a database never runs while a restore of it does: restores hold the database's
 * advisory lock exclusively, and a backup waits for it before it dumps anything.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "app"),
      @ResourceArg(name = "control", value = "lifeboat"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class RestoreLockIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();

  @Test
  @SuppressWarnings("try") // the resource is held, not used: a running service, a held lock
  void aBackupWaitsForARunningRestoreOfItsDatabase() throws Exception {
    ShopDatabase.create(pg, "app");
    var target =
        new TargetDatabase(
            "app",
            pg.host(),
            pg.port(),
            "app",
            pg.username(),
            Optional.of(pg.password()),
            Optional.empty(),
            7,
            Optional.empty());
    String id = "locked-" + UUID.randomUUID();
    try (TopicRecorder events = kafka.recorder(Topics.EVENTS)) {
      try (DatabaseLocks.Lease restoreRunning = DatabaseLocks.exclusive(target, Duration.ZERO)) {
        kafka.send(
            Topics.BACKUP_REQUESTS,
            "app",
            """
            {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.backup.requested",
             "subject":"app","data":{"database":"app","reason":"while a restore runs"}}"""
                .formatted(id),
            Map.of());
        events.await(
            r -> r.value().contains(id) && r.value().contains("dev.lifeboat.backup.started"),
            1,
            Duration.ofSeconds(60));
        // The backup got as far as the lock and is blocked on it: its session waits on an
        // advisory lock. Only then does "no backup completed" mean the lock held it back.
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () ->
                    pg.queryLong(
                            "postgres",
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'postgres'"
                                + " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                                + " AND query LIKE '%pg_advisory_lock_shared%'")
                        == 1);
        assertEquals(
            0,
            events
                .matching(
                    r ->
                        r.value().contains(id)
                            && r.value().contains("dev.lifeboat.backup.completed"))
                .size(),
            "no backup while the restore holds the lock");
        assertEquals(
            1,
            pg.queryLong(
                "postgres",
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"),
            "the backup waits for the lock");
      }
      var completed =
          events.await(
              r -> r.value().contains(id) && r.value().contains("dev.lifeboat.backup.completed"),
              1,
              Duration.ofSeconds(60));
      assertTrue(completed.get(0).value().contains("\"database\":\"app\""));
    }
  }
}
