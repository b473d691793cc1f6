package dev.lifeboat.common.work;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way Lifeboat runs blocking work: pg_dump and pg_restore, JDBC to a target, streaming to
 * and from object storage. Such work never runs on Vert.x's event loop (it would stall every HTTP
 * request and Kafka record of the service) and not on Quarkus's shared worker pool either, whose
 * size is not ours to bound: a backup, a restore or a drill holds its thread for minutes, so each
 * kind of work has its own pool, sized by its own {@code max-concurrent} setting.
 *
 * <p>Every thread is a named daemon: a thread dump says what each one is doing ({@code
 * backup-worker-2}, {@code restore-worker-1}), and a pool left running never keeps a stopping JVM
 * alive (the work it held is resumed from the catalog at the next start). Owners shut their pool
 * down when the service stops.
 */
public final class WorkerThreads {
  private WorkerThreads() {}

  /** At most {@code threads} tasks at once (at least one); more wait in line. */
  public static ExecutorService fixed(String name, int threads) {
    return Executors.newFixedThreadPool(Math.max(1, threads), named(name));
  }

  /** A thread per task for as long as tasks come, for work its caller already bounds. */
  public static ExecutorService unbounded(String name) {
    return Executors.newCachedThreadPool(named(name));
  }

  /** One thread for delayed and repeated tasks (retries, watches, a relay loop). */
  public static ScheduledExecutorService scheduled(String name) {
    return Executors.newSingleThreadScheduledExecutor(named(name));
  }

  /** {@code <name>-1}, {@code <name>-2}, ...: daemon threads. */
  static ThreadFactory named(String name) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread t = new Thread(runnable, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
