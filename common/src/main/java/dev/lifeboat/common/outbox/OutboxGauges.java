package dev.lifeboat.common.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * {@code lifeboat_outbox_pending} (unsent rows) and {@code
 * lifeboat_outbox_oldest_pending_age_seconds} (how long the oldest of them has waited; 0 when
 * none), read from the table every few seconds. The age grows between reads, so it keeps rising
 * while the relay or the control database is stuck, which is when the alert must fire.
 */
@ApplicationScoped
@IfBuildProperty(name = "lifeboat.outbox.enabled", stringValue = "true")
public class OutboxGauges {
  private static final Logger LOG = Logger.getLogger(OutboxGauges.class);
  private static final Duration EVERY = Duration.ofSeconds(5);

  private final Outbox outbox;
  private final Pool pool;
  private final Vertx vertx;
  private final Clock clock = Clock.systemUTC();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicReference<Instant> oldest = new AtomicReference<>();
  private long timer = -1;

  public OutboxGauges(Outbox outbox, Pool pool, Vertx vertx, MeterRegistry registry) {
    this.outbox = outbox;
    this.pool = pool;
    this.vertx = vertx;
    Gauge.builder("lifeboat.outbox.pending", pending, AtomicLong::get)
        .description("Events in the outbox not yet published to Kafka")
        .register(registry);
    Gauge.builder("lifeboat.outbox.oldest.pending.age", oldest, this::age)
        .baseUnit("seconds")
        .description("Seconds the oldest unpublished event of the outbox has waited; 0 when none")
        .register(registry);
  }

  void start(@Observes StartupEvent start) {
    refresh();
    timer = vertx.setPeriodic(EVERY.toMillis(), id -> refresh());
  }

  void stop(@Observes ShutdownEvent stop) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void refresh() {
    outbox
        .backlog(pool)
        .subscribe()
        .with(
            backlog -> {
              pending.set(backlog.count());
              oldest.set(backlog.oldest());
            },
            e -> LOG.debugf("outbox: could not read the backlog: %s", e.getMessage()));
  }

  private double age(AtomicReference<Instant> oldestUnsent) {
    Instant at = oldestUnsent.get();
    return at == null ? 0 : Math.max(0, Duration.between(at, clock.instant()).toMillis() / 1000.0);
  }
}
