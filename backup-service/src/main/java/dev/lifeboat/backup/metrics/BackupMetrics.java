package dev.lifeboat.backup.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Backup metrics. {@code lifeboat_last_successful_backup_timestamp_seconds{database}} is the figure
 * users alert on ("no successful backup in 26 h").
 */
@ApplicationScoped
public class BackupMetrics {
  private static final double MIB = 1024.0 * 1024;
  private static final double TIB = MIB * 1024 * 1024;
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void completed(
      String database, Duration duration, long storedBytes, long dumpBytes, Instant at) {
    Timer.builder("lifeboat.backup.duration")
        .description("Time from start to manifest written")
        .tag("database", database)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1))
        .maximumExpectedValue(Duration.ofHours(12))
        .register(registry)
        .record(duration);
    DistributionSummary.builder("lifeboat.backup.stored")
        .baseUnit("bytes")
        .description("Stored (compressed) size")
        .tag("database", database)
        .publishPercentileHistogram()
        .minimumExpectedValue(MIB)
        .maximumExpectedValue(TIB)
        .register(registry)
        .record(storedBytes);
    DistributionSummary.builder("lifeboat.backup.dumped")
        .baseUnit("bytes")
        .description("pg_dump output size")
        .tag("database", database)
        .publishPercentileHistogram()
        .minimumExpectedValue(MIB)
        .maximumExpectedValue(TIB)
        .register(registry)
        .record(dumpBytes);
    lastSuccess(database).set(at.getEpochSecond());
  }

  public void failed(String database) {
    Counter.builder("lifeboat.backup.failures")
        .description("Backups that failed")
        .tag("database", database)
        .register(registry)
        .increment();
  }

  /**
   * Restores the gauge from the catalog after a restart, so alerts do not fire on a fresh process.
   */
  public void lastSuccessAt(String database, Instant at) {
    lastSuccess(database).accumulateAndGet(at.getEpochSecond(), Math::max);
  }

  private AtomicLong lastSuccess(String database) {
    return lastSuccess.computeIfAbsent(
        database,
        db -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder("lifeboat.last.successful.backup.timestamp.seconds", value, AtomicLong::get)
              .description(
                  "When the newest successful backup of the database completed (Unix time)")
              .tag("database", db)
              .register(registry);
          return value;
        });
  }
}
