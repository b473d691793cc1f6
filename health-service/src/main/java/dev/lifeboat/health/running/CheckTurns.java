package dev.lifeboat.health.running;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One heavy check per database at a time: full counts and anti-joins on the same tables twice at
 * once would only double the load on the target.
 */
@ApplicationScoped
public class CheckTurns {
  private final Map<String, Semaphore> locks = new ConcurrentHashMap<>();

  /** Waits up to {@code wait} for the database's turn; false when it did not come. */
  public boolean acquire(String database, Duration wait) {
    try {
      return semaphore(database).tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public void release(String database) {
    semaphore(database).release();
  }

  private Semaphore semaphore(String database) {
    return locks.computeIfAbsent(database, d -> new Semaphore(1, true));
  }
}
