package dev.lifeboat.restore.metrics;

import dev.lifeboat.common.events.RestoreEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * {@code lifeboat_restore_failures_total{database}} (what the "restore failed" alert reads) and
 * {@code lifeboat_restore_duration_seconds{database,mode}} of completed restores.
 */
@ApplicationScoped
public class RestoreMetrics {
  private final MeterRegistry registry;

  public RestoreMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void completed(String database, RestoreEvents.Mode mode, Duration duration) {
    Timer.builder("lifeboat.restore.duration")
        .description("Time from the start of a restore to its completion")
        .tag("database", database)
        .tag("mode", mode.name())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1))
        .maximumExpectedValue(Duration.ofHours(12))
        .register(registry)
        .record(duration);
  }

  public void failed(String database) {
    Counter.builder("lifeboat.restore.failures")
        .description("Restores that failed")
        .tag("database", database)
        .register(registry)
        .increment();
  }
}
