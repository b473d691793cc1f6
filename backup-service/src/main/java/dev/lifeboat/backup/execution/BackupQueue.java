package dev.lifeboat.backup.execution;

import dev.lifeboat.common.work.WorkerThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs backups with bounded concurrency and at most one per database, in the order they came.
 * Requests beyond the bounds wait their turn; none is dropped. Each queued backup carries the
 * acknowledgements of the commands that asked for it (a redelivered command joins the backup
 * already under way instead of starting another).
 */
public class BackupQueue {
  /**
   * The work of one backup: true when it finished for good, false when it must be retried later.
   */
  @FunctionalInterface
  public interface Work {
    boolean run();
  }

  /**
   * Told of a backup whose worker stopped unexpectedly (its command left unacknowledged, the work
   * to run again), and of its end once it ran again.
   */
  @FunctionalInterface
  public interface Stuck {
    void stuck(String work, RuntimeException cause);

    default void resumed(String work) {}
  }

  /** The longest pause before a backup whose worker stopped unexpectedly runs again. */
  static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);

  private static final ScheduledExecutorService RETRIES = WorkerThreads.scheduled("backup-retry");

  private final int maxConcurrent;
  private final Executor workers;
  private final Stuck stuck;
  private final LinkedList<Job> waiting = new LinkedList<>();
  private final Map<String, Job> byBackupId = new HashMap<>();
  private final Set<String> busyDatabases = new HashSet<>();
  private int running;

  public BackupQueue(int maxConcurrent, Executor workers, Stuck stuck) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("lifeboat.backup.max-concurrent must be at least 1");
    }
    this.maxConcurrent = maxConcurrent;
    this.workers = workers;
    this.stuck = stuck;
  }

  private static final class Job {
    final String backupId;
    final String database;
    final Work work;
    final List<Runnable> whenFinished = new ArrayList<>();
    int failures;

    Job(String backupId, String database, Work work) {
      this.backupId = backupId;
      this.database = database;
      this.work = work;
    }
  }

  /**
   * Queues a backup, or joins {@code whenFinished} to the same backup if it is already queued or
   * running. {@code whenFinished} runs once the backup finished for good.
   */
  public void submit(String backupId, String database, Work work, Runnable whenFinished) {
    synchronized (this) {
      Job job = byBackupId.get(backupId);
      if (job == null) {
        job = new Job(backupId, database, work);
        byBackupId.put(backupId, job);
        waiting.add(job);
      }
      job.whenFinished.add(whenFinished);
    }
    dispatch();
  }

  public synchronized boolean contains(String backupId) {
    return byBackupId.containsKey(backupId);
  }

  /** Backups waiting for a free slot or for their database's running backup. */
  public synchronized int waiting() {
    return waiting.size();
  }

  private void dispatch() {
    List<Job> starting = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Job> it = waiting.iterator(); it.hasNext() && running < maxConcurrent; ) {
        Job job = it.next();
        if (busyDatabases.add(job.database)) {
          it.remove();
          running++;
          starting.add(job);
        }
      }
    }
    starting.forEach(job -> workers.execute(() -> run(job)));
  }

  private void run(Job job) {
    boolean finished = false;
    Duration retryAfter = null;
    try {
      finished = job.work.run();
      if (job.failures > 0) {
        stuck.resumed("backup " + job.backupId);
      }
    } catch (RuntimeException e) {
      // The work stopped outside its own steps (the control database away, say). Its command stays
      // unacknowledged, and the same work runs again after a pause, as a redelivered command
      // would after a restart: it reads what is done from the catalog and storage and goes on
      // from there. Meanwhile readiness says why (StuckWork).
      stuck.stuck("backup " + job.backupId, e);
      job.failures++;
      retryAfter = retryPause(job.failures);
    } finally {
      List<Runnable> callbacks;
      synchronized (this) {
        busyDatabases.remove(job.database);
        running--;
        if (retryAfter == null) {
          byBackupId.remove(job.backupId);
        }
        callbacks = List.copyOf(job.whenFinished);
      }
      if (finished) {
        callbacks.forEach(Runnable::run);
      }
      if (retryAfter != null) {
        RETRIES.schedule(
            () -> {
              synchronized (this) {
                waiting.add(job);
              }
              dispatch();
            },
            retryAfter.toMillis(),
            TimeUnit.MILLISECONDS);
      }
      dispatch();
    }
  }

  /** 1, 2, 4, ... seconds, at most {@link #MAX_RETRY_PAUSE}. */
  static Duration retryPause(int failures) {
    long seconds = 1L << Math.min(failures - 1, 5);
    return Duration.ofSeconds(Math.min(seconds, MAX_RETRY_PAUSE.toSeconds()));
  }
}
