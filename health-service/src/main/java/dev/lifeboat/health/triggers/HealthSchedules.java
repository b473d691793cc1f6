package dev.lifeboat.health.triggers;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.schedules.CronSchedules;
import dev.lifeboat.health.HealthConfig;
import dev.lifeboat.health.HealthWorkers;
import dev.lifeboat.health.checks.Baselines;
import dev.lifeboat.health.running.CheckRunner;
import dev.lifeboat.health.verification.BackupVerifier;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Scheduled checks ({@code lifeboat.health.databases.<name>.check-schedule}) and restore drills of
 * the newest backup ({@code ...drill-schedule}), crontab or Quartz schedules (CronSchedules).
 * Settings for a database that is not configured under {@code lifeboat.databases} stop the service
 * at start.
 */
@ApplicationScoped
public class HealthSchedules {
  private static final Logger LOG = Logger.getLogger(HealthSchedules.class);

  private final Scheduler scheduler;
  private final TargetDatabases targets;
  private final HealthConfig config;
  private final CheckRunner runner;
  private final Baselines baselines;
  private final BackupVerifier verifier;
  private final HealthWorkers workers;

  public HealthSchedules(
      Scheduler scheduler,
      TargetDatabases targets,
      HealthConfig config,
      CheckRunner runner,
      Baselines baselines,
      BackupVerifier verifier,
      HealthWorkers workers) {
    this.scheduler = scheduler;
    this.targets = targets;
    this.config = config;
    this.runner = runner;
    this.baselines = baselines;
    this.verifier = verifier;
    this.workers = workers;
  }

  void start(@Observes StartupEvent startup) {
    config
        .databases()
        .forEach(
            (database, settings) -> {
              if (!targets.contains(database)) {
                throw new IllegalArgumentException(
                    "lifeboat.health.databases."
                        + database
                        + ": no such database under lifeboat.databases");
              }
              double threshold = config.rowLossThreshold(database);
              if (threshold < 0 || threshold > 1) {
                throw new IllegalArgumentException(
                    "lifeboat.health.databases."
                        + database
                        + ".row-loss-threshold must be between 0 and 1");
              }
              settings
                  .checkSchedule()
                  .ifPresent(cron -> schedule("check", database, cron, this::check));
              settings
                  .drillSchedule()
                  .ifPresent(cron -> schedule("drill", database, cron, this::drill));
            });
    if (config.rowLossThreshold() < 0 || config.rowLossThreshold() > 1) {
      throw new IllegalArgumentException(
          "lifeboat.health.row-loss-threshold must be between 0 and 1");
    }
  }

  private void schedule(String what, String database, String cron, Consumer<String> task) {
    try {
      scheduler
          .newJob(what + "-" + database)
          .setCron(CronSchedules.toQuartz(cron))
          .setTask(run -> workers.execute(() -> task.accept(database)))
          .schedule();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "lifeboat.health.databases."
              + database
              + "."
              + what
              + "-schedule \""
              + cron
              + "\" is not a valid cron: "
              + e.getMessage(),
          e);
    }
    LOG.infof("scheduled %ss of %s: %s", what, database, cron);
  }

  private void check(String database) {
    try {
      runner.run(runner.latest(database, "schedule", null, null, Duration.ofHours(1)));
    } catch (RuntimeException e) {
      LOG.errorf(e, "the scheduled check of %s failed", database);
    }
  }

  private void drill(String database) {
    try {
      baselines
          .latest(database)
          .ifPresentOrElse(
              newest -> verifier.start(newest, true, "schedule", null),
              () -> LOG.warnf("no backup of %s to drill", database));
    } catch (RuntimeException e) {
      LOG.errorf(e, "the scheduled drill of %s failed to start", database);
    }
  }
}
