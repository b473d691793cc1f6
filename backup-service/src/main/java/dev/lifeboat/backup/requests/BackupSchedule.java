package dev.lifeboat.backup.requests;

import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.schedules.CronSchedules;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.ScheduledExecution;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Scheduled backups ({@code lifeboat.databases.<name>.schedule}: five crontab fields, a shorthand such as {@code
 * @daily}, or Quartz fields; see CronSchedules). Each firing
 * publishes an ordinary backup command whose id is made of the database and the scheduled time:
 * several replicas firing the same schedule publish the same id, and so make one backup.
 */
@ApplicationScoped
public class BackupSchedule {
  private static final Logger LOG = Logger.getLogger(BackupSchedule.class);

  private final Scheduler scheduler;
  private final TargetDatabases targets;
  private final BackupCommands commands;

  public BackupSchedule(Scheduler scheduler, TargetDatabases targets, BackupCommands commands) {
    this.scheduler = scheduler;
    this.targets = targets;
    this.commands = commands;
  }

  void start(@Observes StartupEvent startup) {
    for (TargetDatabase target : targets.all().values()) {
      target
          .schedule()
          .ifPresent(
              cron -> {
                try {
                  scheduler
                      .newJob("backup-" + target.name())
                      .setCron(CronSchedules.toQuartz(cron))
                      .setTask(run -> fire(target, run))
                      .schedule();
                } catch (RuntimeException e) {
                  throw new IllegalArgumentException(
                      "lifeboat.databases."
                          + target.name()
                          + ".schedule \""
                          + cron
                          + "\" is not a valid cron: "
                          + e.getMessage(),
                      e);
                }
                LOG.infof("scheduled backups of %s: %s", target.name(), cron);
              });
    }
  }

  private void fire(TargetDatabase target, ScheduledExecution run) {
    String id = "schedule:" + target.name() + ":" + run.getScheduledFireTime().getEpochSecond();
    var data =
        new BackupEvents.Requested(target.name(), "scheduled", null, "scheduler", Map.of(), null);
    var command = commands.command("schedule", id, data);
    commands.send(command).await().atMost(IoWaits.LIMIT);
  }
}
