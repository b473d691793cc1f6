package dev.lifeboat.common.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {
  private static final Duration FIRST = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(30);

  @Test
  void theWaitAfterAFailureDoublesUpToTheMaximum() {
    assertEquals(Duration.ofSeconds(1), OutboxRelay.backoff(1, FIRST, MAX));
    assertEquals(Duration.ofSeconds(2), OutboxRelay.backoff(2, FIRST, MAX));
    assertEquals(Duration.ofSeconds(16), OutboxRelay.backoff(5, FIRST, MAX));
    assertEquals(MAX, OutboxRelay.backoff(6, FIRST, MAX));
    assertEquals(MAX, OutboxRelay.backoff(10_000, FIRST, MAX));
  }
}
