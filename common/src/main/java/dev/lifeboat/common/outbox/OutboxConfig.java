package dev.lifeboat.common.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code lifeboat.outbox.*}: the transactional outbox of a service that adopted it (see {@link
 * Outbox}). {@code lifeboat.outbox.enabled} is read at build time: without it the outbox beans do
 * not exist, and neither does the need for a datasource.
 */
@ConfigMapping(prefix = "lifeboat.outbox")
public interface OutboxConfig {

  /** Build time: whether {@link Outbox}, {@link OutboxRelay} and their gauges exist at all. */
  @WithDefault("false")
  boolean enabled();

  /**
   * The control-database schema whose {@code outbox} table the service writes (its Flyway schema).
   * Required when enabled; optional here so that an application without an outbox needs no value.
   */
  Optional<String> schema();

  /** How often the relay looks for unsent rows when it found none. */
  @WithDefault("200ms")
  Duration pollInterval();

  /** Rows claimed, published and marked in one transaction. */
  @WithDefault("100")
  int batchSize();

  /** The first wait after a failed round (broker or control database unreachable); doubles. */
  @WithDefault("1s")
  Duration retryBackoff();

  /** The longest wait between failed rounds. */
  @WithDefault("30s")
  Duration maxRetryBackoff();

  /**
   * How long the relay waits for the broker to acknowledge one record. Longer than the producer's
   * own {@code max.block.ms} plus {@code delivery.timeout.ms} (60 s + 120 s by default): the relay
   * must not give up on a record the producer is still trying to deliver, or it would send it
   * twice.
   */
  @WithDefault("200s")
  Duration publishTimeout();

  /** Sent rows are deleted this long after they were sent. */
  @WithDefault("1d")
  Duration retention();
}
