package dev.lifeboat.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.testing.StoredBackupFixture;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.CuttingProxy;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.LocalPostgres;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The packaged restore-service through outages of what it depends on, each in the middle of a SWAP
 * restore: object storage unreachable, the control database away, the target server's disk full.
 * Each time the target is untouched until the swap and accepts connections throughout, no scratch
 * database is left, and the restore ends once, announced once.
 */
class RestoreOutagesIT {
  private static final String PROGRESS = "dev.lifeboat.restore.progress";
  private static final String COMPLETED = "dev.lifeboat.restore.completed";
  private static final String FAILED = "dev.lifeboat.restore.failed";
  private static final long NOW = 1000;

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * Object storage in a network partition for 60 s while the dump streams into the scratch
   * database: the read waits (up to {@code lifeboat.storage.read-timeout}, 2 min), the restore goes
   * on when storage is back and completes; the target is untouched meanwhile.
   */
  @Test
  @SuppressWarnings("try") // the service is held, not used
  void objectStorageUnreachableForAMinuteMidDownload() throws Exception {
    String db = "s3outshop";
    Duration outage = Duration.ofSeconds(60);
    RestoreServiceProcess service =
        new RestoreServiceProcess("lifeboat_restore_outage_s3", "outage-s3.restore.commands")
            .target(db, db);
    Manifest backup = backupThenShrink(pg, db, 700_000);
    URI storage = URI.create(s3.url());
    String first = null;
    String second = null;
    try (CuttingProxy proxy = new CuttingProxy(storage.getHost(), storage.getPort());
        TopicRecorder events = kafka.recorder(Topics.EVENTS);
        ServiceProcess restore =
            service.start(
                "s3", Map.of("LIFEBOAT_S3_ENDPOINT", "http://127.0.0.1:" + proxy.port()))) {
      first = planAndConfirm(restore, backup, db);
      awaitDataFlowing(events, first);
      long cut = System.nanoTime();
      proxy.blackholeFor(outage);
      while (System.nanoTime() - cut < outage.toNanos() - 2_000_000_000L) {
        assertEquals(NOW, rows(pg, db), "the target is untouched and accepts connections");
        assertEquals("RUNNING", service.status(first), "the restore waits for storage");
        Thread.sleep(2_000);
      }
      String id = first;
      ConsumerRecord<String, String> end = awaitEnd(events, id, Duration.ofSeconds(150));
      System.out.printf(
          "object storage outage: the restore ended %d s after the cut: %s%n",
          (System.nanoTime() - cut) / 1_000_000_000L, end.value());
      if (is(end, id, COMPLETED)) {
        assertEquals("COMPLETED", service.status(first));
        assertRestored(pg, db, first, 700_000, NOW, events);
      } else {
        // The storage server drops the stalled connection: the read ends early, and says so.
        assertTrue(end.value().contains("from object storage failed"), end.value());
        assertEquals("FAILED", service.status(first));
        assertEquals(NOW, rows(pg, db), "a failed restore leaves the target as it was");
        assertEquals(0, scratchDatabases(pg, db), "no scratch database left");
        assertEquals(1, endIds(events, id).size(), "failed once");
      }

      // Storage is back: the same backup restores again, nothing of the outage in its way.
      long before = rows(pg, db);
      second = planAndConfirm(restore, backup, db);
      String again = second;
      assertTrue(is(awaitEnd(events, again, Duration.ofSeconds(90)), again, COMPLETED));
      assertRestored(pg, db, second, 700_000, before, events);
    } finally {
      dropUndo(pg, db, first);
      dropUndo(pg, db, second);
    }
  }

  /**
   * The control database (behind its own proxy; the target is reached directly) refuses every
   * connection for 30 s during the restore: readiness says so, the restore ends once when the
   * database is back, the target exists and accepts connections throughout.
   */
  @Test
  @SuppressWarnings("try") // the service is held, not used
  void controlDatabaseAwayForThirtySecondsDuringARestore() throws Exception {
    String db = "ctloutshop";
    String control = "lifeboat_restore_outage_control";
    Duration outage = Duration.ofSeconds(30);
    RestoreServiceProcess service =
        new RestoreServiceProcess(control, "outage-control.restore.commands").target(db, db);
    Manifest backup = backupThenShrink(pg, db, 400_000);
    String id = null;
    try (CuttingProxy proxy = new CuttingProxy(pg.host(), pg.port());
        TopicRecorder events = kafka.recorder(Topics.EVENTS);
        ServiceProcess restore =
            service.start(
                "control",
                Map.of(),
                Map.of(
                    "quarkus.datasource.reactive.url",
                    "postgresql://127.0.0.1:" + proxy.port() + "/" + control,
                    "quarkus.datasource.jdbc.url",
                    "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + control))) {
      id = planAndConfirm(restore, backup, db);
      awaitDataFlowing(events, id);
      long cut = System.nanoTime();
      proxy.refuseFor(outage);
      boolean sawDown = false;
      while (System.nanoTime() - cut < outage.toNanos() - 2_000_000_000L) {
        sawDown |= ready(restore) == 503;
        assertEquals(
            1,
            pg.queryLong(
                "postgres",
                "SELECT count(*) FROM pg_database WHERE datname = '" + db + "' AND datallowconn"),
            "the target is there under its name and accepts connections");
        Thread.sleep(1_000);
      }
      assertTrue(sawDown, "readiness is DOWN while the control database is away");
      String restoreId = id;
      ConsumerRecord<String, String> end = awaitEnd(events, restoreId, Duration.ofSeconds(150));
      System.out.printf(
          "control database outage: the restore ended %d s after the cut: %s%n",
          (System.nanoTime() - cut) / 1_000_000_000L, end.value());
      long readyBy = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (ready(restore) != 200 && System.nanoTime() < readyBy) {
        Thread.sleep(500);
      }
      assertEquals(200, ready(restore), "ready again once the control database is back");
      if (is(end, restoreId, COMPLETED)) {
        assertEquals("COMPLETED", service.status(restoreId));
        assertRestored(pg, db, restoreId, 400_000, NOW, events);
      } else {
        assertEquals("FAILED", service.status(restoreId));
        assertEquals(NOW, rows(pg, db), "a failed restore leaves the target as it was");
        assertEquals(0, scratchDatabases(pg, db), "no scratch database left");
      }
      assertEquals(1, endIds(events, restoreId).size(), "one end, announced as one event");
    } finally {
      dropUndo(pg, db, id);
    }
  }

  /**
   * The target's server runs out of disk while the backup is restored into the scratch database
   * beside the target: the restore fails naming the full disk, the scratch database is dropped, the
   * target is as it was and its server goes on.
   */
  @Test
  @SuppressWarnings("try") // the service is held, not used
  void theTargetServersDiskFillsDuringTheScratchRestore() throws Exception {
    String db = "diskshop";
    Path dir =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "lifeboat-it-diskfull-" + System.currentTimeMillis());
    Path disk = dir.resolve("disk");
    Files.createDirectories(disk);
    command("mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", disk.toString());
    try (LocalPostgres small = LocalPostgres.start(dir.resolve("server"), disk.resolve("data"))) {
      PostgresEndpoint server = small.endpoint();
      // The backup, of a version of diskshop larger than the small disk, is taken on the test
      // server: on the small one it would never have fitted.
      RestoreServiceProcess service =
          new RestoreServiceProcess("lifeboat_restore_outage_disk", "outage-disk.restore.commands")
              .target(db, server, db);
      String big = db + "_big";
      pg.dropDatabase(big);
      pg.createDatabase(big);
      fill(pg, big, 500_000);
      Manifest backup = StoredBackupFixture.backupOf(pg, s3, db, big);
      pg.dropDatabase(big);
      server.createDatabase(db);
      fill(server, db, NOW);
      long free = Files.getFileStore(disk).getUsableSpace();
      System.out.printf(
          "disk full: %d bytes free on the target's disk, the backup holds %d bytes of dump%n",
          free, backup.dumpBytes());
      assertTrue(backup.dumpBytes() > free, "the backup cannot fit beside the target");

      try (TopicRecorder events = kafka.recorder(Topics.EVENTS);
          ServiceProcess restore = service.start("disk", Map.of())) {
        String id = planAndConfirm(restore, backup, db);
        long started = System.nanoTime();
        ConsumerRecord<String, String> end = awaitEnd(events, id, Duration.ofSeconds(90));
        System.out.printf(
            "disk full: the restore ended after %d s: %s%n",
            (System.nanoTime() - started) / 1_000_000_000L, end.value());
        assertTrue(is(end, id, FAILED), end.value());
        assertTrue(
            end.value().contains("No space left on device"), "names the disk: " + end.value());
        assertEquals("FAILED", service.status(id));
        assertEquals(1, endIds(events, id).size(), "announced once");
      }
      assertEquals(NOW, rows(server, db), "the target is as it was, and accepts connections");
      assertEquals(0, scratchDatabases(server, db), "the scratch database is gone");
      assertEquals(1, server.queryLong("postgres", "SELECT 1"), "the server goes on");
      // Not asserted: files that a server process still holds open keep their space until closed.
      System.out.printf(
          "disk full: %d bytes free after the failed restore%n",
          Files.getFileStore(disk).getUsableSpace());
    } finally {
      command("umount", disk.toString());
      command("rm", "-rf", dir.toString());
    }
  }

  /** A table of {@code count} rows of about 100 bytes each. */
  private static void fill(PostgresEndpoint server, String db, long count) {
    server.execute(
        db,
        "CREATE TABLE blobs (id int PRIMARY KEY, body text);"
            + " INSERT INTO blobs SELECT g, md5(g::text) || md5((g * 3)::text) || md5((g * 5)::text)"
            + " FROM generate_series(1, "
            + count
            + ") g;");
  }

  /** A backup of {@code count} rows, after which the database keeps the first {@link #NOW}. */
  private Manifest backupThenShrink(PostgresEndpoint server, String db, long count)
      throws Exception {
    server.dropDatabase(db);
    server.createDatabase(db);
    fill(server, db, count);
    Manifest backup = StoredBackupFixture.backup(server, s3, db, null);
    server.execute(db, "DELETE FROM blobs WHERE id > " + NOW);
    return backup;
  }

  private String planAndConfirm(ServiceProcess service, Manifest backup, String db)
      throws Exception {
    JsonNode plan =
        post(
            service,
            "/api/v1/restores",
            "{\"backupId\":\"" + backup.backupId() + "\",\"database\":\"" + db + "\"}",
            201);
    String id = plan.path("restoreId").asText();
    post(
        service,
        "/api/v1/restores/" + id + "/confirm",
        "{\"confirmationCode\":\"" + plan.path("confirmationCode").asText() + "\"}",
        202);
    return id;
  }

  /** Returns once the dump is streaming into the scratch database. */
  private static void awaitDataFlowing(TopicRecorder events, String id) {
    events.await(
        r ->
            is(r, id, PROGRESS)
                && r.value().contains("\"step\":\"restore-scratch\"")
                && !r.value().contains("\"bytesRestored\":0"),
        1,
        Duration.ofSeconds(60));
  }

  private static ConsumerRecord<String, String> awaitEnd(
      TopicRecorder events, String id, Duration timeout) {
    return events.await(r -> is(r, id, COMPLETED) || is(r, id, FAILED), 1, timeout).get(0);
  }

  /** The distinct ids of the restore's terminal events: one however often it was announced. */
  private Set<String> endIds(TopicRecorder events, String id) {
    List<ConsumerRecord<String, String>> ends =
        events.matching(
            r ->
                is(r, id, COMPLETED)
                    || is(r, id, FAILED)
                    || is(r, id, "dev.lifeboat.restore.cancelled"));
    return ends.stream()
        .map(
            r -> {
              try {
                return json.readTree(r.value()).path("id").asText();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .collect(Collectors.toSet());
  }

  private void assertRestored(
      PostgresEndpoint server,
      String db,
      String id,
      long backedUp,
      long before,
      TopicRecorder events) {
    assertEquals(backedUp, rows(server, db), "the target has the restored content");
    assertEquals(before, rows(server, db + "_pre_" + id), "the database as it was is the undo");
    assertEquals(0, scratchDatabases(server, db), "no scratch database left");
    assertEquals(1, endIds(events, id).size(), "completed once");
  }

  private static long rows(PostgresEndpoint server, String db) {
    return server.queryLong(db, "SELECT count(*) FROM blobs");
  }

  private static long scratchDatabases(PostgresEndpoint server, String db) {
    return server.queryLong(
        "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '" + db + "\\_lbr\\_%'");
  }

  private static void dropUndo(PostgresEndpoint server, String db, String id) {
    if (id != null) {
      server.dropDatabase(db + "_pre_" + id);
    }
  }

  private static boolean is(ConsumerRecord<String, String> r, String correlation, String type) {
    return r.value().contains("\"correlationid\":\"" + correlation + "\"")
        && r.value().contains("\"type\":\"" + type);
  }

  private int ready(ServiceProcess service) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(service.url() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
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

  private static void command(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
