package dev.lifeboat.restore.execution;

import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.restore.catalog.RestoreRepository;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches one running restore for a cancel request (made through the API of any replica, recorded
 * in the catalog) and, when one comes, ends the pg_restore that runs, so that the restore stops
 * within about a poll interval however long its current step would take.
 */
final class Cancellation implements AutoCloseable {
  /** Thrown where the restore notices it was cancelled. */
  static final class Cancelled extends Exception {
    private static final long serialVersionUID = 1L;

    Cancelled(String by) {
      super("cancelled by " + by);
    }
  }

  private final String restoreId;
  private final RestoreRepository catalog;
  private final ScheduledFuture<?> poll;
  private volatile String requestedBy;
  private volatile ProcessHandle running;

  Cancellation(
      String restoreId,
      RestoreRepository catalog,
      ScheduledExecutorService scheduler,
      long pollMillis) {
    this.restoreId = restoreId;
    this.catalog = catalog;
    this.poll =
        scheduler.scheduleWithFixedDelay(this::poll, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    if (requestedBy != null) {
      return;
    }
    try {
      Optional<String> by = IoWaits.await(catalog.cancelRequestedBy(restoreId));
      if (by.isPresent()) {
        requestedBy = by.get();
        ProcessHandle process = running;
        if (process != null) {
          process.destroy();
        }
      }
    } catch (RuntimeException e) {
      // The control database is away for a moment: the next poll asks again.
    }
  }

  /** The pg_restore now running, ended at once should a cancel come. */
  void running(ProcessHandle process) {
    running = process;
    if (requestedBy != null) {
      process.destroy();
    }
  }

  boolean requested() {
    return requestedBy != null;
  }

  /** Throws when a cancel was asked for. */
  void check() throws Cancelled {
    if (requestedBy != null) {
      throw new Cancelled(requestedBy);
    }
  }

  /** Asks the catalog directly, for the moment just before a point of no return. */
  void checkNow() throws Cancelled {
    poll();
    check();
  }

  @Override
  public void close() {
    poll.cancel(false);
  }
}
