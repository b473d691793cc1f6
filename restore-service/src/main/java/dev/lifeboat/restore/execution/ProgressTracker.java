package dev.lifeboat.restore.execution;

import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.work.NewestReport;
import dev.lifeboat.common.work.WorkerThreads;
import dev.lifeboat.restore.catalog.Execution;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * How far one restore's data has come: the stored bytes read from object storage against the
 * manifest's {@code sizeBytes}, and the tables pg_restore has begun loading. Reported to the
 * catalog (for the API) and as {@code restore.progress} events, at most once per interval, on a
 * thread of their own ({@link NewestReport}): the data never waits for the catalog or the broker.
 */
final class ProgressTracker {
  private static final Logger LOG = Logger.getLogger(ProgressTracker.class);

  /** Progress is best effort: the data does not wait long for the catalog or the broker. */
  private static final Duration WAIT = Duration.ofSeconds(5);

  private static final ExecutorService REPORTS = WorkerThreads.fixed("restore-progress", 1);

  private final Restore restore;
  private final RestoreRepository catalog;
  private final EventPublisher events;
  private final long intervalNanos;
  private final long bytesTotal;
  private final int tablesTotal;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger tables = new AtomicInteger();
  private volatile String step = "";
  private long lastReport = System.nanoTime();
  private final NewestReport<Execution.Progress> reports =
      new NewestReport<>(REPORTS, this::publish);

  ProgressTracker(
      Restore restore,
      RestoreRepository catalog,
      EventPublisher events,
      Duration interval,
      long bytesTotal,
      int tablesTotal) {
    this.restore = restore;
    this.catalog = catalog;
    this.events = events;
    this.intervalNanos = interval.toNanos();
    this.bytesTotal = bytesTotal;
    this.tablesTotal = tablesTotal;
  }

  /** The stored bytes as they are read, counted. */
  InputStream counting(String stepName, InputStream stored) {
    step = stepName;
    bytes.set(0);
    tables.set(0);
    return new FilterInputStream(stored) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          counted(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
          counted(n);
        }
        return n;
      }
    };
  }

  private void counted(int n) {
    bytes.addAndGet(n);
    maybeReport();
  }

  void tableStarted() {
    tables.incrementAndGet();
    maybeReport();
  }

  /** The data step is over: everything was read. Returns once that is reported (or given up). */
  void finished() {
    report(true);
    reports.awaitHandedOver(WAIT.multipliedBy(2));
  }

  private synchronized void maybeReport() {
    if (System.nanoTime() - lastReport >= intervalNanos) {
      report(false);
    }
  }

  private synchronized void report(boolean done) {
    lastReport = System.nanoTime();
    long read = bytes.get();
    int percent =
        done ? 100 : (int) Math.min(99, bytesTotal <= 0 ? 0 : read * 100 / Math.max(1, bytesTotal));
    var progress =
        new Execution.Progress(
            step,
            read,
            bytesTotal,
            done ? Math.max(tables.get(), tablesTotal) : Math.min(tables.get(), tablesTotal),
            tablesTotal,
            percent);
    reports.offer(progress);
  }

  private void publish(Execution.Progress progress) {
    try {
      catalog.progress(restore.restoreId(), progress).await().atMost(WAIT);
      events
          .publish(
              EventType.RESTORE_PROGRESS,
              restore.correlationId(),
              new RestoreEvents.Progress(
                  restore.restoreId(),
                  restore.database(),
                  progress.step(),
                  progress.percent(),
                  progress.bytesRestored(),
                  progress.tablesRestored()))
          .await()
          .atMost(WAIT);
    } catch (RuntimeException e) {
      // Progress is for people watching; the restore goes on without it.
      LOG.debugf("progress of %s not reported: %s", restore.restoreId(), e.getMessage());
    }
  }
}
