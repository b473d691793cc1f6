package dev.lifeboat.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code lifeboat.health.*}: how checks and verifications run. */
@ConfigMapping(prefix = "lifeboat.health")
public interface HealthConfig {
  /** The longest any one query of a check may run on a target ({@code statement_timeout}). */
  @WithDefault("60s")
  Duration statementTimeout();

  /** How long a check's query waits for a lock before giving up ({@code lock_timeout}). */
  @WithDefault("5s")
  Duration lockTimeout();

  @WithDefault("10s")
  Duration connectTimeout();

  /** A {@code SELECT 1} slower than this makes the database DEGRADED. */
  @WithDefault("1s")
  Duration latencyWarning();

  /** The share of a table's rows (0 to 1) it may lose against the baseline before it is flagged. */
  @WithDefault("0.1")
  double rowLossThreshold();

  /** A transaction open longer than this makes the database DEGRADED. */
  @WithDefault("5m")
  Duration longTransaction();

  /** A session waiting for a lock longer than this makes the database DEGRADED. */
  @WithDefault("30s")
  Duration lockWait();

  /**
   * How long an API check waits for another check of the same database to finish before it is
   * refused with 409 (checks of one database never run at once).
   */
  @WithDefault("30s")
  Duration checkWait();

  /**
   * Restore and migration events older than this start no check: after a first start or a long
   * outage, history on {@code lifeboat.events} is not replayed into checks.
   */
  @WithDefault("1h")
  Duration triggerMaxAge();

  /** Verifications, scheduled and event-triggered checks running at once. */
  @WithDefault("2")
  int maxConcurrent();

  Encryption encryption();

  /** The keys that decrypt age-encrypted backups for verification drills and column checks. */
  interface Encryption {
    /** age identities ({@code AGE-SECRET-KEY-1...}), from a secret. */
    Optional<List<String>> identities();
  }

  /** Per target database, by the name it has under {@code lifeboat.databases}. */
  Map<String, Database> databases();

  interface Database {
    /** When to check the database: crontab, {@code @daily}-style or Quartz (CronSchedules). */
    Optional<String> checkSchedule();

    /** When to drill a restore of the newest backup: crontab, {@code @daily}-style or Quartz. */
    Optional<String> drillSchedule();

    /** Overrides {@link HealthConfig#rowLossThreshold()} for this database. */
    Optional<Double> rowLossThreshold();
  }

  default double rowLossThreshold(String database) {
    Database db = databases().get(database);
    return db == null ? rowLossThreshold() : db.rowLossThreshold().orElse(rowLossThreshold());
  }
}
