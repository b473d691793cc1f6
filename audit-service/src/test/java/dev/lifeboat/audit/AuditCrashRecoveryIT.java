package dev.lifeboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed with SIGKILL while events keep flowing, then started again: every
 * event is stored exactly once, each database's events in the order they were published, and every
 * stored event reaches the audit topic with the auditseq it was stored with.
 */
class AuditCrashRecoveryIT {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final String CONTROL = "lifeboat_audit_crash";
  private static final int EVENTS = 3_000;
  private static final int DATABASES = 4;

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();

  /** Topics of its own, so that no other test's audit-service reads them. */
  private final String prefix = "crash-" + UUID.randomUUID().toString().substring(0, 8);

  private ServiceProcess start(String name) {
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", String.valueOf(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    Map<String, String> properties = new HashMap<>();
    properties.put("quarkus.datasource.reactive.url", pg.url(CONTROL));
    properties.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(CONTROL));
    properties.put("lifeboat.audit.topics.events", prefix + ".events");
    properties.put("lifeboat.audit.topics.backup-requests", prefix + ".backup.requests");
    properties.put("lifeboat.audit.topics.restore-commands", prefix + ".restore.commands");
    properties.put("lifeboat.audit.topics.dead-letters", prefix + ".dlq");
    properties.put("mp.messaging.outgoing.audit-out.topic", prefix + ".audit");
    properties.put("mp.messaging.outgoing.lifeboat-events.topic", prefix + ".events");
    properties.put("mp.messaging.incoming.audit-in.group.id", prefix);
    // The broker's minimum: the dead process's partitions move to its successor quickly.
    properties.put("mp.messaging.incoming.audit-in.session.timeout.ms", "6000");
    // The jar's classpath has no test resources; the public key comes from test-support's file.
    properties.put("mp.jwt.verify.publickey.location", ServiceProcess.jwtPublicKeyFile());
    return ServiceProcess.start(
            JAR.toAbsolutePath(),
            env,
            properties,
            TestServers.baseDir().resolve("audit-crash-" + name + ".log"))
        .awaitReady(Duration.ofSeconds(60));
  }

  private static String event(int i) {
    String database = "crashdb" + (i % DATABASES);
    return """
        {"specversion":"1.0","id":"crash-%d","source":"/test/crash","type":"dev.lifeboat.backup.progress",
         "subject":"%s","correlationid":"crash-run","datacontenttype":"application/json",
         "data":{"backupId":"bk_20260102T143022Z_00000001","database":"%s","bytesDumped":%d,"bytesStored":%d,"bytesPerSecond":1}}"""
        .formatted(i, database, database, i, i);
  }

  @Test
  void killedWhileEventsFlowAndRestartedNothingIsLostOrStoredTwice() throws Exception {
    pg.dropDatabase(CONTROL);
    pg.createDatabase(CONTROL);
    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    // About 1 000 events a second, for about 3 seconds, across the kill and the restart.
    Thread producer =
        new Thread(
            () -> {
              try (var p = kafka.producer()) {
                for (int i = 0; i < EVENTS; i++) {
                  p.send(
                      new ProducerRecord<>(
                          prefix + ".events", "crashdb" + (i % DATABASES), event(i)));
                  if (i % 50 == 49) {
                    Thread.sleep(50);
                  }
                }
                p.flush();
              } catch (Throwable e) {
                producerFailure.set(e);
              }
            },
            "crash-producer");

    try (ServiceProcess first = start("first")) {
      producer.start();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> stored() >= 600);
      first.kill();
    }
    long storedAtKill = stored();
    assertTrue(storedAtKill < EVENTS, "killed while events were still coming: " + storedAtKill);

    try (ServiceProcess second = start("second")) {
      producer.join(120_000);
      assertEquals(null, producerFailure.get());
      Awaitility.await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> stored() >= EVENTS);
      assertEquals(EVENTS, stored(), "every event stored");
      assertEquals(
          EVENTS,
          queryLong(
              "SELECT count(DISTINCT event_id) FROM audit.events WHERE event_id LIKE 'crash-%'"));
      assertTrue(
          duplicatesSkipped(second) > 0,
          "the restarted service was given again events its predecessor had stored, and skipped them");

      // Each database's events keep their publishing order in auditseq.
      Map<String, Long> seqOf = new HashMap<>();
      try (Connection c = pg.connect(CONTROL);
          var s = c.createStatement();
          var rs =
              s.executeQuery(
                  "SELECT event_id, auditseq FROM audit.events WHERE event_id LIKE 'crash-%'")) {
        while (rs.next()) {
          seqOf.put(rs.getString(1), rs.getLong(2));
        }
      }
      for (int i = DATABASES; i < EVENTS; i++) {
        assertTrue(
            seqOf.get("crash-" + i) > seqOf.get("crash-" + (i - DATABASES)),
            "crash-" + i + " after crash-" + (i - DATABASES));
      }

      // Every stored event went out on the audit topic with the auditseq it was stored with.
      Set<String> republished = new HashSet<>();
      List<String> mismatched = new ArrayList<>();
      ObjectMapper json = new ObjectMapper();
      try (var audit = kafka.consumer(prefix + ".audit")) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (republished.size() < EVENTS && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : audit.poll(Duration.ofMillis(500))) {
            var event = json.readTree(r.value());
            String id = event.path("id").asText();
            republished.add(id);
            if (seqOf.get(id) != event.path("auditseq").asLong()) {
              mismatched.add(r.value());
            }
          }
        }
      }
      assertEquals(EVENTS, republished.size(), "every stored event republished");
      assertEquals(List.of(), mismatched, "with its auditseq");
      // And recorded so: each source partition's watermark in audit.republished covers every
      // event stored from it (without one, -1 covers none), or a redelivered batch would
      // republish them again.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () ->
                  assertEquals(
                      0,
                      queryLong(
                          """
                          SELECT count(*) FROM audit.events e
                           WHERE e.event_id LIKE 'crash-%'
                             AND e.source_offset > coalesce(
                                   (SELECT r.source_offset FROM audit.republished r
                                     WHERE r.source_topic = e.source_topic
                                       AND r.source_partition = e.source_partition), -1)"""),
                      "every stored event is at or below its partition's republished offset"));
    }
  }

  private long stored() {
    return queryLong("SELECT count(*) FROM audit.events WHERE event_id LIKE 'crash-%'");
  }

  /** The service migrated the schema before it got ready: a failing query is a failure. */
  private long queryLong(String sql) {
    return pg.queryLong(CONTROL, sql);
  }

  private long duplicatesSkipped(ServiceProcess service) throws Exception {
    String metrics = service.metrics();
    Matcher m =
        Pattern.compile(
                "lifeboat_audit_records_total\\{[^}]*outcome=\"duplicate\"[^}]*} ([0-9.E]+)")
            .matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }
}
