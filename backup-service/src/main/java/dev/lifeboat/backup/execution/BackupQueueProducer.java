package dev.lifeboat.backup.execution;

import dev.lifeboat.backup.BackupConfig;
import dev.lifeboat.common.health.StuckWork;
import dev.lifeboat.common.work.WorkerThreads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.ExecutorService;

/** The queue with its own worker threads: dumps are long and blocking, never on the event loop. */
@ApplicationScoped
public class BackupQueueProducer {
  private final ExecutorService workers;
  private final int maxConcurrent;

  public BackupQueueProducer(BackupConfig config) {
    this.maxConcurrent = config.maxConcurrent();
    this.workers = WorkerThreads.fixed("backup-worker", maxConcurrent);
  }

  @Produces
  @ApplicationScoped
  BackupQueue queue(StuckWork stuckWork) {
    return new BackupQueue(
        maxConcurrent,
        workers,
        new BackupQueue.Stuck() {
          @Override
          public void stuck(String work, RuntimeException cause) {
            stuckWork.stuck(work, cause);
          }

          @Override
          public void resumed(String work) {
            stuckWork.resumed(work);
          }
        });
  }

  void close(@Disposes BackupQueue queue) {
    workers.shutdownNow();
  }
}
