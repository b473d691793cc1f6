package dev.lifeboat.health.outbox;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.ImpatientEventProducer;
import dev.lifeboat.testsupport.LocalKafka;
import dev.lifeboat.testsupport.OwnKafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A check finished while the broker is down is stored with its event, and the event reaches {@code
 * lifeboat.events} once the broker is back: exactly once, with the id the outbox holds. The
 * producer gives a record up after a few seconds here (as it does after two minutes by default),
 * and the broker stays down longer: publishing after the commit lost the event then ("stored but
 * its event was not published"); the relay fails, waits and tries again until the broker is back.
 */
@QuarkusTest
@TestProfile(BrokerDownIT.ImpatientProducer.class)
@WithTestResource(OwnKafkaResource.class)
@WithTestResource(S3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "app"),
      @ResourceArg(name = "control", value = "lifeboat_health_outbox")
    })
class BrokerDownIT {
  /** Producer timeouts of seconds, so that the broker is down longer than a record is kept. */
  public static class ImpatientProducer implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return ImpatientEventProducer.overrides("lifeboat.outbox.publish-timeout", "20s");
    }
  }

  private static final String CONTROL = "lifeboat_health_outbox";
  private final PostgresEndpoint pg = TestServers.postgres();
  private final ObjectMapper json = new ObjectMapper();

  /** The broker of this test alone (OwnKafkaResource), which it stops and starts again. */
  LocalKafka kafka;

  private long unsent() {
    return pg.queryLong(CONTROL, "SELECT count(*) FROM health.outbox WHERE sent_at IS NULL");
  }

  @Test
  void aCheckWhileTheBrokerIsDownIsPublishedOnceWhenItIsBack() throws Exception {
    String checkId;
    String eventId;
    kafka.stop();
    try {
      checkId =
          given()
              .header("Authorization", "Bearer " + Tokens.forRoles("rita", Roles.RESPONDER))
              .contentType("application/json")
              .body("{\"database\":\"app\"}")
              .post("/api/v1/checks")
              .then()
              .statusCode(201)
              .extract()
              .path("checkId");
      given()
          .header("Authorization", "Bearer " + Tokens.forRoles("vic", Roles.VIEWER))
          .get("/api/v1/checks/" + checkId)
          .then()
          .statusCode(200);
      eventId =
          queryText(
              "SELECT event_id FROM health.outbox WHERE sent_at IS NULL AND payload LIKE '%"
                  + checkId
                  + "%'");
      // Longer than the producer keeps a record: the relay fails and tries again meanwhile, and
      // must neither lose the row nor mark it sent.
      Thread.sleep(10_000);
      assertEquals(1, unsent(), "the event waits in the outbox while the broker is down");
    } finally {
      kafka.restart();
    }

    List<ConsumerRecord<String, String>> copies = new ArrayList<>();
    try (var consumer = kafka.endpoint().consumer(Topics.EVENTS)) {
      copies.addAll(
          kafka
              .endpoint()
              .await(consumer, r -> r.value().contains(checkId), 1, Duration.ofSeconds(40)));
      // Read on for a while: a second copy would come right behind the first.
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(
                r -> {
                  if (r.value().contains(checkId)) {
                    copies.add(r);
                  }
                });
      }
    }
    assertEquals(1, copies.size(), "published once: " + copies);
    var event = json.readTree(copies.get(0).value());
    assertEquals(eventId, event.path("id").asText());
    assertEquals("dev.lifeboat.health.checked", event.path("type").asText());
    assertEquals("app", copies.get(0).key());
    await().atMost(Duration.ofSeconds(10)).until(() -> unsent() == 0);
  }

  private String queryText(String sql) throws Exception {
    try (var c = pg.connect(CONTROL);
        var rs = c.createStatement().executeQuery(sql)) {
      if (!rs.next()) {
        throw new AssertionError("no row for: " + sql);
      }
      return rs.getString(1);
    }
  }
}
