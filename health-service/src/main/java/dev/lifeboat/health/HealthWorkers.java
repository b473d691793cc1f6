package dev.lifeboat.health;

import dev.lifeboat.common.work.WorkerThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;

/**
 * The threads that run verifications and the checks that events and schedules start: checks block
 * on the target and drills on pg_restore, so they never run on the event loop, and no more of them
 * run at once than {@code lifeboat.health.max-concurrent}.
 */
@ApplicationScoped
public class HealthWorkers {
  private final ExecutorService executor;

  public HealthWorkers(HealthConfig config) {
    this.executor = WorkerThreads.fixed("health-worker", config.maxConcurrent());
  }

  public void execute(Runnable task) {
    executor.execute(task);
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }
}
