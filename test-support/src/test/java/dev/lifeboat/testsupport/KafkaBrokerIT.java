package dev.lifeboat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KafkaBrokerIT {
  private final KafkaEndpoint kafka = TestServers.kafka();

  @Test
  void deliversAPublishedRecordWithKeyAndHeaders() {
    String topic = "smoke-" + UUID.randomUUID();
    String value = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\"}";
    try (var consumer = kafka.consumer(topic)) {
      kafka.send(topic, "app", value, Map.of("content-type", "application/cloudevents+json"));

      var record = kafka.await(consumer, r -> true, 1, Duration.ofSeconds(30)).get(0);

      assertEquals("app", record.key());
      assertEquals(value, record.value());
      assertEquals(
          "application/cloudevents+json",
          new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8));
    }
  }
}
