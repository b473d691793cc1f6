package dev.lifeboat.backup.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackupQueueTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void boundsConcurrencyRunsOnePerDatabaseAndDropsNothing() throws Exception {
    BackupQueue queue = new BackupQueue(2, pool, (work, e) -> {});
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    Map<String, AtomicInteger> perDatabase = new ConcurrentHashMap<>();
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(12);

    for (int i = 0; i < 12; i++) {
      String database = "db" + (i % 3);
      String id = "b" + i;
      queue.submit(
          id,
          database,
          () -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            int sameDatabase =
                perDatabase.computeIfAbsent(database, d -> new AtomicInteger()).incrementAndGet();
            assertEquals(1, sameDatabase, "two backups of " + database + " at once");
            sleep(20);
            perDatabase.get(database).decrementAndGet();
            running.decrementAndGet();
            order.add(id);
            return true;
          },
          done::countDown);
    }

    assertTrue(done.await(10, TimeUnit.SECONDS), "every backup ran and was acknowledged");
    assertEquals(
        2, maxRunning.get(), "at most max-concurrent at once, and that many when there is work");
    List<String> db0 =
        order.stream().filter(id -> Integer.parseInt(id.substring(1)) % 3 == 0).toList();
    assertEquals(
        List.of("b0", "b3", "b6", "b9"), db0, "a database's backups run in the order they came");
    assertEquals(0, queue.waiting());
  }

  @Test
  void aRedeliveredCommandJoinsTheBackupUnderWay() throws Exception {
    BackupQueue queue = new BackupQueue(1, pool, (work, e) -> {});
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch acks = new CountDownLatch(2);

    BackupQueue.Work work =
        () -> {
          runs.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return true;
        };
    queue.submit("b1", "app", work, acks::countDown);
    queue.submit("b1", "app", work, acks::countDown);
    release.countDown();

    assertTrue(acks.await(5, TimeUnit.SECONDS), "both deliveries acknowledged");
    assertEquals(1, runs.get(), "one backup");
  }

  @Test
  void aBackupThatCouldNotBeRecordedIsNotAcknowledged() throws Exception {
    BackupQueue queue = new BackupQueue(1, pool, (work, e) -> {});
    CountDownLatch acked = new CountDownLatch(1);
    CountDownLatch next = new CountDownLatch(1);

    queue.submit(
        "b1",
        "app",
        () -> {
          throw new IllegalStateException("control database down");
        },
        acked::countDown);
    queue.submit("b2", "app", () -> true, next::countDown);

    assertTrue(next.await(5, TimeUnit.SECONDS), "the queue goes on");
    assertEquals(1, acked.getCount(), "b1 stays unacknowledged, so Kafka redelivers it");
  }

  @Test
  void aBackupWhoseWorkerStoppedRunsAgainAndIsAcknowledgedWhenItEnds() throws Exception {
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    BackupQueue queue =
        new BackupQueue(
            1,
            pool,
            new BackupQueue.Stuck() {
              @Override
              public void stuck(String work, RuntimeException cause) {
                told.add("stuck " + work);
              }

              @Override
              public void resumed(String work) {
                told.add("resumed " + work);
              }
            });
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch acked = new CountDownLatch(1);

    queue.submit(
        "b1",
        "app",
        () -> {
          if (runs.incrementAndGet() == 1) {
            throw new IllegalStateException("control database down");
          }
          return true;
        },
        acked::countDown);

    assertTrue(acked.await(10, TimeUnit.SECONDS), "acknowledged once it ran again and ended");
    assertEquals(2, runs.get());
    assertEquals(List.of("stuck backup b1", "resumed backup b1"), told);
    assertEquals(java.time.Duration.ofSeconds(1), BackupQueue.retryPause(1));
    assertEquals(java.time.Duration.ofSeconds(30), BackupQueue.retryPause(9));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
