package dev.lifeboat.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.LocalKafka;
import dev.lifeboat.testsupport.OwnKafkaResource;
import dev.lifeboat.testsupport.PostgresResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * 10 000 events published while the broker stops for 30 s in the middle and comes back: the
 * producer keeps track of what the broker acknowledged and publishes the rest again afterwards, as
 * a pipeline that retries does. audit-service stores every event once, none lost and none twice,
 * and republishes each on {@code lifeboat.audit}.
 */
@QuarkusTest
@WithTestResource(OwnKafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = BrokerOutageIT.CONTROL)
    })
class BrokerOutageIT {
  private static final Logger LOG = Logger.getLogger(BrokerOutageIT.class);
  static final String CONTROL = "lifeboat_audit_outage";
  private static final int EVENTS = 10_000;
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  private final AuditDatabase db = new AuditDatabase(CONTROL);
  private final String run = "outage-" + UUID.randomUUID().toString().substring(0, 8) + "-";

  /** The broker of this test alone (OwnKafkaResource), which it stops and starts again. */
  LocalKafka kafka;

  /** A pipeline's producer that gives a record up after seconds, to publish it again later. */
  private KafkaProducer<String, String> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.endpoint().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  private String id(int i) {
    return run + i;
  }

  private ProducerRecord<String, String> record(int i) {
    String id = id(i);
    return new ProducerRecord<>(
        Topics.EVENTS,
        "app",
        """
        {"specversion":"1.0","id":"%s","source":"/pipelines/outage","type":"dev.lifeboat.migration.started",\
        "subject":"app","time":"%s","datacontenttype":"application/json","correlationid":"%s",\
        "data":{"database":"app","migration":"m_%d"}}"""
            .formatted(id, Instant.now(), id, i));
  }

  @Test
  void tenThousandEventsAcrossA30SecondBrokerOutageAreStoredOnceEach() throws Exception {
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    Thread publisher =
        new Thread(
            () -> {
              try (var producer = producer()) {
                for (int i = 0; i < EVENTS; i++) {
                  int n = i;
                  try {
                    producer.send(
                        record(n),
                        (metadata, error) -> {
                          if (error == null) {
                            acknowledged.add(n);
                          }
                        });
                  } catch (RuntimeException e) {
                    // Not acknowledged: published again after the outage.
                  }
                  if (n % 25 == 24) {
                    sleep(20);
                  }
                }
                producer.flush();
              }
            },
            "outage-publisher");
    publisher.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= EVENTS / 4);
    kafka.stop();
    int beforeOutage = acknowledged.size();
    try {
      Thread.sleep(OUTAGE.toMillis());
    } finally {
      kafka.restart();
    }
    publisher.join(Duration.ofSeconds(60).toMillis());
    assertTrue(beforeOutage < EVENTS, "the broker stopped in the middle: " + beforeOutage);

    // What the broker did not acknowledge is published again (it may have stored some of it).
    int resent = 0;
    for (int round = 0; round < 5 && acknowledged.size() < EVENTS; round++) {
      try (var producer = producer()) {
        List<Integer> missing = new ArrayList<>();
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
          if (!acknowledged.contains(i)) {
            missing.add(i);
            sent.add(producer.send(record(i)));
          }
        }
        resent += missing.size();
        for (int k = 0; k < missing.size(); k++) {
          try {
            sent.get(k).get(30, TimeUnit.SECONDS);
            acknowledged.add(missing.get(k));
          } catch (Exception e) {
            // tried again in the next round
          }
        }
      }
    }
    assertEquals(EVENTS, acknowledged.size(), "the broker acknowledged every event in the end");
    assertTrue(resent > 0, "some events were published again after the outage");
    LOG.infof(
        "%d events acknowledged when the broker stopped, %d published again after the outage",
        beforeOutage, resent);

    String ours = "event_id LIKE ?";
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                db.strings(
                        "SELECT count(DISTINCT event_id) FROM audit.events WHERE event_id LIKE ?",
                        run + "%")
                    .get(0)
                    .equals(String.valueOf(EVENTS)));
    assertEquals(EVENTS, db.count(ours, run + "%"), "each event stored once, none twice");

    // ...and republished, each on lifeboat.audit.
    Set<String> republished = new HashSet<>();
    try (var consumer = kafka.endpoint().consumer(Topics.AUDIT)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (republished.size() < EVENTS && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          int at = r.value().indexOf("\"id\":\"" + run);
          if (at >= 0) {
            int start = at + 6;
            republished.add(r.value().substring(start, r.value().indexOf('"', start)));
          }
        }
      }
    }
    assertEquals(EVENTS, republished.size(), "every stored event is on lifeboat.audit");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
