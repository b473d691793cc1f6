package dev.lifeboat.health;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run verifications and the checks that events and schedules start: checks block
 * on the target and drills on pg_restore, so they never run on the event loop, and no more of them
 * run at once than {@code lifeboat.health.max-concurrent}.
 */
@ApplicationScoped
public class HealthWorkers {
  private final ExecutorService executor;

  public HealthWorkers(HealthConfig config) {
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            Math.max(1, config.maxConcurrent()),
            r -> {
              Thread t = new Thread(r, "health-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public void execute(Runnable task) {
    executor.execute(task);
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }
}
