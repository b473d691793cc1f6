package dev.lifeboat.common.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NewestReportTest {
  @Test
  void theWorkNeverWaitsForASlowSinkAndTheNewestReportArrives() throws Exception {
    ExecutorService thread = WorkerThreads.fixed("report-test", 1);
    CountDownLatch sinkBlocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    NewestReport<Integer> reports =
        new NewestReport<>(
            thread,
            n -> {
              sinkBlocked.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              seen.add(n);
            });
    reports.offer(0);
    assertTrue(sinkBlocked.await(5, TimeUnit.SECONDS));
    // The sink is stuck on report 0: offering 100 000 more must not wait for it.
    long began = System.nanoTime();
    for (int n = 1; n <= 100_000; n++) {
      reports.offer(n);
    }
    long tookMillis = (System.nanoTime() - began) / 1_000_000;
    assertTrue(tookMillis < 2_000, "offering took " + tookMillis + " ms while the sink was stuck");
    assertFalse(reports.awaitHandedOver(Duration.ofMillis(50)), "the sink is still stuck");
    release.countDown();
    assertTrue(reports.awaitHandedOver(Duration.ofSeconds(5)));
    assertEquals(List.of(0, 100_000), seen, "the stuck report, then only the newest");
    thread.shutdownNow();
  }

  @Test
  void aFailingSinkLosesOnlyThatReport() throws Exception {
    ExecutorService thread = WorkerThreads.fixed("report-test", 1);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    NewestReport<Integer> reports =
        new NewestReport<>(
            thread,
            n -> {
              if (n == 1) {
                throw new IllegalStateException("broker away");
              }
              seen.add(n);
            });
    reports.offer(1);
    Thread.sleep(100);
    reports.offer(2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (seen.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(2), seen);
    thread.shutdownNow();
  }
}
