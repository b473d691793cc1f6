package dev.lifeboat.common.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.probe.TestCommandConsumer;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.TestServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Commands through the real broker: valid ones reach the consumer, invalid ones go to the
 * dead-letter topic with the reason and a command.rejected event, and the consumer keeps going.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
class DeadLetterIT {
  private static final String TOPIC = "lifeboat.test.commands";
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final ObjectMapper json = new ObjectMapper();

  @Inject TestCommandConsumer consumer;

  private static String command(String id, String database) {
    return """
        {"specversion":"1.0","id":"%s","source":"/pipelines/app-deploy","type":"dev.lifeboat.backup.requested",
         "subject":"%s","datacontenttype":"application/json",
         "data":{"database":"%s","reason":"pre-migration","migration":"m1","requestedBy":"ci"}}"""
        .formatted(id, database, database);
  }

  @Test
  void invalidCommandsAreDeadLetteredAndTheConsumerGoesOn() throws Exception {
    String run = UUID.randomUUID().toString();
    String broken = "{\"specversion\":\"1.0\",\"id\":\"" + run + "-broken\", oops";
    String wrongType =
        command(run + "-wrong-type", "app")
            .replace("dev.lifeboat.backup.requested", "dev.lifeboat.restore.confirmed");
    String unknownDb = command(run + "-unknown-db", "shop");

    try (var dlq = kafka.consumer(Topics.DEAD_LETTERS);
        var events = kafka.consumer(Topics.EVENTS)) {
      kafka.send(TOPIC, "app", broken, Map.of());
      kafka.send(TOPIC, "app", wrongType, Map.of());
      kafka.send(TOPIC, "shop", unknownDb, Map.of());
      kafka.send(
          TOPIC,
          "app",
          command(run + "-valid", "app"),
          Map.of("content-type", "application/cloudevents+json"));
      kafka.send(
          TOPIC,
          "app",
          "{\"database\":\"app\",\"reason\":\"binary mode\"}",
          Map.of(
              "ce_specversion",
              "1.0",
              "ce_id",
              run + "-binary",
              "ce_source",
              "/pipelines/x",
              "ce_type",
              "dev.lifeboat.backup.requested",
              "ce_subject",
              "app",
              "content-type",
              "application/json"));

      await().atMost(Duration.ofSeconds(30)).until(() -> accepted(run).size() == 2);
      assertEquals(List.of(run + "-valid", run + "-binary"), accepted(run));

      List<ConsumerRecord<String, String>> dead =
          kafka.await(dlq, r -> r.value().contains(run), 3, Duration.ofSeconds(30));
      assertEquals(broken, dead.get(0).value(), "the dead letter keeps the original bytes");
      assertEquals("app", dead.get(0).key(), "and the original key");
      assertTrue(
          header(dead.get(0), "dead-letter-reason").startsWith("message is not valid JSON"),
          header(dead.get(0), "dead-letter-reason"));
      assertEquals(TOPIC, header(dead.get(0), "dead-letter-topic"));
      assertEquals(
          "unexpected event type \"dev.lifeboat.restore.confirmed\": expected dev.lifeboat.backup.requested",
          header(dead.get(1), "dead-letter-reason"));
      assertEquals(
          "unknown database \"shop\": not configured under lifeboat.databases",
          header(dead.get(2), "dead-letter-reason"));
      assertEquals("shop", dead.get(2).key());

      // The broken message had no readable id: its rejection names its topic and offset instead.
      long brokenOffset = Long.parseLong(header(dead.get(0), "dead-letter-offset"));
      List<JsonNode> rejected = new java.util.ArrayList<>();
      for (var record :
          kafka.await(
              events, r -> isRejectionOf(r, run, brokenOffset), 3, Duration.ofSeconds(30))) {
        assertEquals("application/cloudevents+json", header(record, "content-type"));
        rejected.add(json.readTree(record.value()));
      }
      assertTrue(rejected.get(0).path("data").path("rejectedId").isNull(), "no id could be read");
      assertTrue(
          rejected
              .get(0)
              .path("data")
              .path("reason")
              .asText()
              .startsWith("message is not valid JSON"));

      JsonNode wrongTypeRejection = rejected.get(1);
      assertEquals("1.0", wrongTypeRejection.path("specversion").asText());
      assertEquals("dev.lifeboat.command.rejected", wrongTypeRejection.path("type").asText());
      assertEquals("/lifeboat/common-test", wrongTypeRejection.path("source").asText());
      assertEquals(
          run + "-wrong-type",
          wrongTypeRejection.path("correlationid").asText(),
          "correlates with the refused command");
      assertEquals(
          run + "-wrong-type", wrongTypeRejection.path("data").path("rejectedId").asText());
      assertEquals(TOPIC, wrongTypeRejection.path("data").path("topic").asText());
      assertEquals(run + "-unknown-db", rejected.get(2).path("data").path("rejectedId").asText());
    }
  }

  private boolean isRejectionOf(
      ConsumerRecord<String, String> record, String run, long brokenOffset) {
    try {
      JsonNode event = json.readTree(record.value());
      JsonNode data = event.path("data");
      return "dev.lifeboat.command.rejected".equals(event.path("type").asText())
          && TOPIC.equals(data.path("topic").asText())
          && (data.path("rejectedId").asText().startsWith(run)
              || data.path("offset").asLong() == brokenOffset);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private List<String> accepted(String run) {
    return consumer.accepted().stream().map(e -> e.id()).filter(id -> id.startsWith(run)).toList();
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), UTF_8);
  }
}
