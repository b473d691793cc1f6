package dev.lifeboat.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a Quarkus test at the shared real Kafka broker. */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    return Map.of("kafka.bootstrap.servers", TestServers.kafka().bootstrapServers());
  }

  @Override
  public void stop() {
    // Shared by every test of this JVM; TestServers stops it when the JVM exits.
  }
}
