package dev.lifeboat.health.metrics;

import dev.lifeboat.common.events.HealthEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code lifeboat_health_status{database}} (0 healthy, 1 degraded, 2 unhealthy), {@code
 * lifeboat_backup_verification_age_seconds{database}} (since the newest passed verification) and
 * {@code lifeboat_restore_drill_duration_seconds{database}} (the measured restore time of drills)
 * and {@code lifeboat_backup_verification_failures_total{database}}.
 */
@ApplicationScoped
public class HealthMetrics {
  private final MeterRegistry registry;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, AtomicInteger> status = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastVerified = new ConcurrentHashMap<>();

  public HealthMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void checked(String database, HealthEvents.Status value) {
    status
        .computeIfAbsent(
            database,
            db -> {
              AtomicInteger gauge = new AtomicInteger();
              Gauge.builder("lifeboat.health.status", gauge, AtomicInteger::get)
                  .description("Status of the newest check: 0 HEALTHY, 1 DEGRADED, 2 UNHEALTHY")
                  .tag("database", db)
                  .register(registry);
              return gauge;
            })
        .set(value.ordinal());
  }

  /** A verification of one of the database's backups passed at {@code at}. */
  public void verified(String database, Instant at) {
    lastVerified
        .computeIfAbsent(
            database,
            db -> {
              AtomicLong epoch = new AtomicLong();
              Gauge.builder(
                      "lifeboat.backup.verification.age",
                      epoch,
                      e -> clock.instant().getEpochSecond() - e.get())
                  .baseUnit("seconds")
                  .description("Seconds since a backup of the database last passed verification")
                  .tag("database", db)
                  .register(registry);
              return epoch;
            })
        .accumulateAndGet(at.getEpochSecond(), Math::max);
  }

  /** A verification of one of the database's backups failed: what the alert reads. */
  public void verificationFailed(String database) {
    Counter.builder("lifeboat.backup.verification.failures")
        .description("Verifications of the database's backups that failed")
        .tag("database", database)
        .register(registry)
        .increment();
  }

  public void drill(String database, Duration restoreTime) {
    Timer.builder("lifeboat.restore.drill.duration")
        .description("Measured time to restore a backup in a drill: the recovery time to expect")
        .tag("database", database)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofSeconds(1))
        .maximumExpectedValue(Duration.ofHours(12))
        .register(registry)
        .record(restoreTime);
  }
}
