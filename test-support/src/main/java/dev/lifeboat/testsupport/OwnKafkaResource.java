package dev.lifeboat.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus test at a Kafka broker of its own rather than the shared one, and injects it
 * into the test's {@link LocalKafka} field: a test that stops the broker to see what the service
 * does without it disturbs no other test. Always a local process (whatever {@code
 * lifeboat.it.infra} says), since a container's port would change when it is started again.
 */
public class OwnKafkaResource implements QuarkusTestResourceLifecycleManager {
  private LocalKafka broker;

  @Override
  public Map<String, String> start() {
    // A directory of its own: the shared broker's clean-up of stale servers does not look inside.
    broker = LocalKafka.start(TestServers.baseDir().resolve("own-kafka"));
    return Map.of("kafka.bootstrap.servers", broker.endpoint().bootstrapServers());
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(broker, new TestInjector.MatchesType(LocalKafka.class));
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.close();
    }
  }
}
