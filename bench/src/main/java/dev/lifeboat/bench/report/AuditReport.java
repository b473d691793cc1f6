package dev.lifeboat.bench.report;

import dev.lifeboat.bench.lifeboat.Startup;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit-service benchmark's figures as Markdown.
 *
 * @param finished when the run ended: the report's date and time
 * @param host the machine it ran on
 * @param startup how audit-service was started, and how its start went
 * @param loadAtStart {@link Machine#loadAverage()} when the run started
 * @param loadAtEnd {@link Machine#loadAverage()} when it ended
 * @param cold the drain by a freshly started service
 * @param warm the drain by a service that has run for a while: the goal's figure
 * @param rate events a second in the delay run
 * @param latency publish to visible in the query API, in the delay run
 * @param phases the mean time per batch in each phase, from {@link #meanTimesPerBatch}
 * @param log audit-service's log
 */
public record AuditReport(
    LocalDateTime finished,
    Host host,
    Startup startup,
    String loadAtStart,
    String loadAtEnd,
    Drain cold,
    Drain warm,
    int rate,
    Latency latency,
    String phases,
    Path log) {

  /** The machine the service ran on, as the report names it. */
  public record Host(int cpus, String cpuModel, String memory, String java) {
    public static Host thisMachine() {
      return new Host(
          Runtime.getRuntime().availableProcessors(),
          Machine.procFieldIfReadable("/proc/cpuinfo", "model name"),
          Machine.procFieldIfReadable("/proc/meminfo", "MemTotal"),
          Machine.javaRuntime());
    }
  }

  /** One drain of a backlog: events, seconds, batches. */
  public record Drain(long events, double seconds, long batches) {
    public double rate() {
      return events / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "stored %d events in %.2f s (%d batches): %.0f events/s",
          events,
          seconds,
          batches,
          rate());
    }
  }

  /** Delays from publishing an event to seeing it in the query API, in milliseconds. */
  public record Latency(int count, double median, double p99, double max) {}

  /**
   * Mean time per batch in each phase: in each drain and in the delay run. Each map holds, per
   * phase, the service's own timer at the end of a run: {@code {seconds in total, batches so far}}.
   */
  public static String meanTimesPerBatch(
      List<String> phases,
      Map<String, double[]> afterCold,
      Map<String, double[]> afterWarm,
      Map<String, double[]> atEnd) {
    StringBuilder cold = new StringBuilder("Mean time per batch, cold drain:");
    StringBuilder warm = new StringBuilder("Mean time per batch, warm drain:");
    StringBuilder steady = new StringBuilder("Mean time per batch, delay run:");
    for (String phase : phases) {
      double[] a = afterCold.get(phase);
      double[] b = afterWarm.get(phase);
      double[] c = atEnd.get(phase);
      cold.append(mean(phase, a[0], a[1]));
      warm.append(mean(phase, b[0] - a[0], b[1] - a[1]));
      steady.append(mean(phase, c[0] - b[0], c[1] - b[1]));
    }
    return cold + "\n" + warm + "\n" + steady;
  }

  private static String mean(String phase, double seconds, double batches) {
    return String.format(
        Locale.ROOT,
        " %s %.1f ms (%d batches);",
        phase,
        batches == 0 ? 0 : seconds / batches * 1000,
        (long) batches);
  }

  /** The report's file name in the results directory: {@code <date>-audit.md}. */
  public String fileName() {
    return finished.toLocalDate() + "-audit.md";
  }

  public String markdown() {
    return String.format(
        Locale.ROOT,
        """
        # audit-service benchmark, %s %s

        Machine: %s CPUs (%s), %s; %s. Servers as local processes (PostgreSQL with %s;
        one KRaft broker, one partition per topic), audit-service from %s.
        Load average (1, 5, 15 min) when the run started: %s; at its end: %s. Other work on the
        machine takes CPU from everything measured here.

        | measure | figure | goal |
        |---|---:|---|
        | events stored per second, Kafka -> PostgreSQL, warm service (%d events, %d batches, %.2f s) | **%.0f** | >= 20 000: %s |
        | same, freshly started service (%d events, %d batches, %.2f s) | %.0f | |
        | publish -> visible in GET /api/v1/events at %d/s, median | **%.1f ms** | |
        | same, p99 (%d events after a 1 s warm-up) | **%.1f ms** | < 250 ms: %s |
        | same, max | %.1f ms | |

        %s
        audit-service starts with the cold drain's events already on its topic: it may have begun
        storing them by the time it answered ready, so its memory then is not quite idle.

        %s

        Service log: %s
        """,
        finished.toLocalDate(),
        finished.toLocalTime().truncatedTo(ChronoUnit.MINUTES),
        host.cpus(),
        host.cpuModel(),
        host.memory(),
        host.java(),
        Machine.POSTGRES_DURABILITY,
        startup.launch().describe(),
        loadAtStart,
        loadAtEnd,
        warm.events(),
        warm.batches(),
        warm.seconds(),
        warm.rate(),
        warm.rate() >= 20_000 ? "met" : "not met",
        cold.events(),
        cold.batches(),
        cold.seconds(),
        cold.rate(),
        rate,
        latency.median(),
        latency.count(),
        latency.p99(),
        latency.p99() < 250 ? "met" : "not met",
        latency.max(),
        Startups.table(List.of(startup)),
        phases,
        log);
  }
}
