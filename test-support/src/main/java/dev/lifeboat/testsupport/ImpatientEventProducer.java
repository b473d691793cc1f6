package dev.lifeboat.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * Producer timeouts of seconds for the service's {@code lifeboat-events} channel, for tests that
 * stop the broker for longer than a record is kept: a send then fails in seconds, as it would after
 * minutes in production, and the outbox (or the dropped progress report) takes over.
 */
public final class ImpatientEventProducer {
  private ImpatientEventProducer() {}

  /** The producer's timeouts, with {@code more} (key, value, key, value...) added. */
  public static Map<String, String> overrides(String... more) {
    String producer = "mp.messaging.outgoing.lifeboat-events.";
    Map<String, String> overrides = new HashMap<>();
    overrides.put(producer + "max.block.ms", "3000");
    overrides.put(producer + "request.timeout.ms", "2000");
    overrides.put(producer + "delivery.timeout.ms", "4000");
    for (int i = 0; i + 1 < more.length; i += 2) {
      overrides.put(more[i], more[i + 1]);
    }
    return overrides;
  }
}
