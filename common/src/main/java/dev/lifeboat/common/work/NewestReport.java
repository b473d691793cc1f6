package dev.lifeboat.common.work;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Hands reports of long work (a backup's progress) to a slow sink (a catalog update and a Kafka
 * send) on another thread, so that the work never waits for them. Only the newest report matters:
 * one offered while the sink is still busy replaces any not yet handed over, so a slow or absent
 * sink costs dropped intermediate reports, never memory or the work's time. A sink that fails only
 * loses that report.
 */
public final class NewestReport<T> {
  private static final Logger LOG = Logger.getLogger(NewestReport.class);

  private final Executor executor;
  private final Consumer<T> sink;
  private final AtomicReference<T> pending = new AtomicReference<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  public NewestReport(Executor executor, Consumer<T> sink) {
    this.executor = executor;
    this.sink = sink;
  }

  /** Returns at once: the report is handed over later, unless a newer one replaces it first. */
  public void offer(T report) {
    pending.set(report);
    if (draining.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  /**
   * Waits, at most {@code limit}, until every offered report is handed over (or dropped): before
   * the work announces its end, so that no report of it arrives after the end. False on timeout.
   */
  public boolean awaitHandedOver(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (draining.get() || pending.get() != null) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  private void drain() {
    try {
      T report;
      while ((report = pending.getAndSet(null)) != null) {
        try {
          sink.accept(report);
        } catch (RuntimeException e) {
          LOG.debugf("a report was dropped: %s", e.getMessage());
        }
      }
    } finally {
      draining.set(false);
      // A report offered between the last getAndSet and the reset above would otherwise wait for
      // the next offer.
      if (pending.get() != null && draining.compareAndSet(false, true)) {
        executor.execute(this::drain);
      }
    }
  }
}
