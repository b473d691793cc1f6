package dev.lifeboat.common.outbox;

import dev.lifeboat.common.messaging.CloudEventRecords;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.work.WorkerThreads;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Publishes the outbox's unsent rows to Kafka and marks them sent once the broker acknowledged
 * them, on a thread of its own: it looks every {@code lifeboat.outbox.poll-interval}, at once again
 * after a full batch, and after a failure (broker or control database unreachable) waits longer
 * each time up to {@code lifeboat.outbox.max-retry-backoff}, the rows staying unsent meanwhile.
 *
 * <p>Rows are claimed with {@code FOR UPDATE SKIP LOCKED} in a transaction held while they are
 * published, so replicas never publish the same rows at once, and each key's rows go out in order
 * (see {@link Outbox#claim}). A crash between the acknowledgement and the commit publishes those
 * rows again: consumers dedupe by CloudEvent id.
 */
@ApplicationScoped
@IfBuildProperty(name = "lifeboat.outbox.enabled", stringValue = "true")
public class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
  private static final Duration STILL_FAILING_EVERY = Duration.ofMinutes(1);

  private final Outbox outbox;
  private final Pool pool;
  private final MutinyEmitter<byte[]> emitter;
  private final OutboxConfig config;
  private final Clock clock = Clock.systemUTC();
  private ScheduledExecutorService thread;
  private int failures;
  private Instant lastWarned = Instant.MIN;
  private Instant lastPruned = Instant.MIN;

  @Inject
  public OutboxRelay(
      Outbox outbox,
      Pool pool,
      @Channel(EventPublisher.CHANNEL) MutinyEmitter<byte[]> emitter,
      OutboxConfig config) {
    this.outbox = outbox;
    this.pool = pool;
    this.emitter = emitter;
    this.config = config;
  }

  /** The outcome of one round: rows published, and the failure that stopped it (null: none). */
  public record Round(int published, Throwable failure) {}

  void start(@Observes StartupEvent start) {
    thread = WorkerThreads.scheduled("lifeboat-outbox-relay");
    thread.execute(this::loop);
  }

  void stop(@Observes ShutdownEvent stop) {
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  private void loop() {
    Duration next;
    try {
      Round round = relay();
      if (round.failure() != null) {
        next = failed(round.failure());
      } else {
        if (failures > 0) {
          LOG.infof("outbox: publishing again after %d failed attempt(s)", failures);
          failures = 0;
        }
        next = round.published() >= config.batchSize() ? Duration.ZERO : config.pollInterval();
      }
      pruneWhenDue();
    } catch (RuntimeException e) {
      if (thread.isShutdown()) {
        return; // the service is stopping: the rows stay for the next start
      }
      next = failed(e);
    }
    if (!thread.isShutdown()) {
      thread.schedule(this::loop, next.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * One round: claims a batch, publishes it in order until the broker refuses a record, marks what
   * it acknowledged, and commits. Blocks; never on an event loop.
   */
  public Round relay() {
    return pool.withTransaction(
            tx ->
                outbox
                    .claim(tx, config.batchSize())
                    .chain(claimed -> publish(claimed, 0, new ArrayList<>()))
                    .call(sent -> outbox.markSent(tx, sent.seqs()))
                    .map(sent -> new Round(sent.seqs().size(), sent.failure())))
        .await()
        .atMost(config.publishTimeout().multipliedBy(2));
  }

  private record Sent(List<Long> seqs, Throwable failure) {}

  /**
   * Publishes {@code rows} from {@code from} on, one after the other, each once the previous one is
   * acknowledged: a refused record stops the batch, so no later record of its key overtakes it.
   */
  private Uni<Sent> publish(List<Outbox.Pending> rows, int from, List<Long> sent) {
    if (from == rows.size()) {
      return Uni.createFrom().item(new Sent(sent, null));
    }
    Outbox.Pending row = rows.get(from);
    return emitter
        .sendMessage(CloudEventRecords.message(row.bytes(), row.topic(), row.key()))
        .ifNoItem()
        .after(config.publishTimeout())
        .fail()
        .onItemOrFailure()
        .transformToUni(
            (ok, failure) -> {
              if (failure != null) {
                return Uni.createFrom()
                    .item(
                        new Sent(
                            sent,
                            new IllegalStateException(
                                "event "
                                    + row.eventId()
                                    + " to "
                                    + row.topic()
                                    + ": "
                                    + failure.getMessage(),
                                failure)));
              }
              sent.add(row.seq());
              return publish(rows, from + 1, sent);
            });
  }

  private Duration failed(Throwable failure) {
    failures++;
    Duration backoff = backoff(failures, config.retryBackoff(), config.maxRetryBackoff());
    Instant now = clock.instant();
    if (failures == 1) {
      LOG.warnf(
          "outbox: could not publish (%s); the events stay in the outbox, retrying in %d ms",
          failure.getMessage(), backoff.toMillis());
      lastWarned = now;
    } else if (Duration.between(lastWarned, now).compareTo(STILL_FAILING_EVERY) >= 0) {
      LOG.warnf(
          "outbox: still cannot publish after %d attempts (%s); retrying every %d ms",
          failures, failure.getMessage(), backoff.toMillis());
      lastWarned = now;
    } else {
      LOG.debugf("outbox: attempt %d failed: %s", failures, failure.getMessage());
    }
    return backoff;
  }

  /** {@code first}, doubled after each further failure, at most {@code max}. */
  static Duration backoff(int failures, Duration first, Duration max) {
    Duration wait = first;
    for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }

  private void pruneWhenDue() {
    Instant now = clock.instant();
    if (Duration.between(lastPruned, now).compareTo(PRUNE_EVERY) < 0) {
      return;
    }
    lastPruned = now;
    try {
      int pruned = outbox.prune(pool, config.retention()).await().atMost(Duration.ofMinutes(1));
      if (pruned > 0) {
        LOG.debugf("outbox: deleted %d row(s) sent more than %s ago", pruned, config.retention());
      }
    } catch (RuntimeException e) {
      LOG.warnf("outbox: could not delete sent rows (tried again later): %s", e.getMessage());
    }
  }
}
