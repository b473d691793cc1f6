package dev.lifeboat.health.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.outbox.Outbox;
import dev.lifeboat.common.outbox.OutboxConfig;
import dev.lifeboat.common.outbox.OutboxRelay;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.junit.jupiter.api.Test;

/**
 * Two relays over one outbox table, as two replicas of a service run them: each event is published
 * once, and each key's events in the order they were written. The table is made by health-service's
 * own migration, in a schema of this test's, so the service's relay does not take part.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "shop"),
      @ResourceArg(name = "control", value = "lifeboat_health"),
      @ResourceArg(name = "lockedTargets", value = "locked")
    })
class OutboxRelayIT {
  private static final String CONTROL = "lifeboat_health";
  private static final String SCHEMA = "outbox_relay_it";
  private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3");
  private static final int PER_KEY = 30;

  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();

  @Inject Pool pool;
  @Inject CloudEventCodec codec;

  @Inject
  @Channel(EventPublisher.CHANNEL)
  MutinyEmitter<byte[]> emitter;

  /** A small batch, so that the two relays claim many batches side by side. */
  private record SmallBatches() implements OutboxConfig {
    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public Optional<String> schema() {
      return Optional.of(SCHEMA);
    }

    @Override
    public Duration pollInterval() {
      return Duration.ofMillis(10);
    }

    @Override
    public int batchSize() {
      return 7;
    }

    @Override
    public Duration retryBackoff() {
      return Duration.ofMillis(100);
    }

    @Override
    public Duration maxRetryBackoff() {
      return Duration.ofSeconds(1);
    }

    @Override
    public Duration publishTimeout() {
      return Duration.ofSeconds(30);
    }

    @Override
    public Duration retention() {
      return Duration.ofDays(1);
    }
  }

  private void freshTable() throws Exception {
    String ddl;
    try (InputStream in = getClass().getResourceAsStream("/db/migration/V2__outbox.sql")) {
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (var c = pg.connect(CONTROL);
        var s = c.createStatement()) {
      s.execute(
          "DROP SCHEMA IF EXISTS "
              + SCHEMA
              + " CASCADE; CREATE SCHEMA "
              + SCHEMA
              + "; SET search_path TO "
              + SCHEMA
              + "; "
              + ddl);
    }
  }

  @Test
  void twoRelaysPublishEachEventOnceAndEachKeyInOrder() throws Exception {
    freshTable();
    String topic = "lifeboat.test.outbox-" + UUID.randomUUID();
    Outbox outbox = new Outbox(codec, SCHEMA);
    // Written interleaved, one transaction per event, as several checks would write them.
    List<String> ids = new ArrayList<>();
    List<CloudEvent<?>> written = new ArrayList<>();
    for (int n = 0; n < PER_KEY; n++) {
      for (String key : KEYS) {
        CloudEvent<HealthEvents.Checked> event =
            CloudEvent.create(
                EventType.HEALTH_CHECKED,
                "/test",
                null,
                new HealthEvents.Checked(
                    "ck_" + key + "_" + n, key, HealthEvents.Status.HEALTHY, null, n, "test"));
        ids.add(event.id());
        written.add(event);
        pool.withTransaction(tx -> outbox.append(tx, topic, key, event))
            .await()
            .atMost(Duration.ofSeconds(10));
      }
    }
    // The same event appended again (a redelivered state change) stays one row.
    pool.withTransaction(tx -> outbox.append(tx, topic, "k0", written.get(0)))
        .await()
        .atMost(Duration.ofSeconds(10));

    OutboxConfig config = new SmallBatches();
    ExecutorService replicas = Executors.newFixedThreadPool(2);
    try {
      List<Future<Integer>> rounds = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        OutboxRelay relay = new OutboxRelay(outbox, pool, emitter, config);
        Callable<Integer> drain =
            () -> {
              int published = 0;
              long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
              while (unsent() > 0 && System.nanoTime() < deadline) {
                OutboxRelay.Round round = relay.relay();
                if (round.failure() != null) {
                  throw new AssertionError("a round failed", round.failure());
                }
                published += round.published();
              }
              return published;
            };
        rounds.add(replicas.submit(drain));
      }
      int first = rounds.get(0).get();
      int second = rounds.get(1).get();
      assertEquals(ids.size(), first + second, "rows marked sent, by both relays together");
      assertTrue(first > 0 && second > 0, "both relays took part: " + first + " and " + second);
    } finally {
      replicas.shutdownNow();
    }
    assertEquals(0, unsent());

    Map<String, Integer> copies = new HashMap<>();
    Map<String, List<Integer>> orderByKey = new HashMap<>();
    try (var consumer = TestServers.kafka().consumer(topic)) {
      List<ConsumerRecord<String, String>> records =
          TestServers.kafka().await(consumer, r -> true, ids.size(), Duration.ofSeconds(30));
      long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < until) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      for (var record : records) {
        JsonNode event = json.readTree(record.value());
        copies.merge(event.path("id").asText(), 1, Integer::sum);
        assertEquals(event.path("subject").asText(), record.key());
        orderByKey
            .computeIfAbsent(record.key(), k -> new ArrayList<>())
            .add(event.path("data").path("findings").asInt());
      }
    }
    assertEquals(ids.size(), copies.size(), "every event published");
    copies.forEach((id, count) -> assertEquals(1, count, "copies of " + id));
    for (String key : KEYS) {
      List<Integer> expected = new ArrayList<>();
      for (int n = 0; n < PER_KEY; n++) {
        expected.add(n);
      }
      assertEquals(expected, orderByKey.get(key), "the order of " + key + "'s events");
    }
  }

  private long unsent() {
    return pg.queryLong(
        CONTROL, "SELECT count(*) FROM " + SCHEMA + ".outbox WHERE sent_at IS NULL");
  }
}
