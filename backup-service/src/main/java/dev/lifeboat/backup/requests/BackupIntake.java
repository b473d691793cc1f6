package dev.lifeboat.backup.requests;

import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.backup.catalog.BackupStatus;
import dev.lifeboat.backup.execution.BackupExecutor;
import dev.lifeboat.backup.execution.BackupQueue;
import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.messaging.EventPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;

/**
 * Turns a backup command into exactly one backup: the command's id is the idempotency key, so a
 * redelivered or republished command finds its backup instead of starting another.
 */
@ApplicationScoped
public class BackupIntake {
  private final BackupRepository catalog;
  private final BackupQueue queue;
  private final BackupExecutor executor;
  private final EventPublisher events;
  private final Clock clock = Clock.systemUTC();

  public BackupIntake(
      BackupRepository catalog, BackupQueue queue, BackupExecutor executor, EventPublisher events) {
    this.catalog = catalog;
    this.queue = queue;
    this.executor = executor;
    this.events = events;
  }

  /**
   * Records the request (once), announces it (once), and runs or joins its backup. A command of a
   * completed backup announces {@code backup.completed} again, under the same event id: a crash may
   * have come between the catalog and the event.
   */
  public Uni<Backup> accept(CloudEvent<BackupEvents.Requested> command, Runnable whenFinished) {
    return record(command)
        .call(
            backup -> {
              if (backup.status() == BackupStatus.COMPLETED) {
                return executor
                    .announceCompleted(backup, backup.manifest(), took(backup))
                    .invoke(whenFinished);
              }
              if (backup.status().finished()) {
                whenFinished.run();
              } else {
                queue.submit(
                    backup.backupId(),
                    backup.database(),
                    () -> executor.execute(backup),
                    whenFinished);
              }
              return Uni.createFrom().voidItem();
            });
  }

  private static Duration took(Backup backup) {
    return backup.startedAt() == null || backup.completedAt() == null
        ? Duration.ZERO
        : Duration.between(backup.startedAt(), backup.completedAt());
  }

  /** The catalog entry of the command, made and announced if this is its first delivery. */
  public Uni<Backup> record(CloudEvent<BackupEvents.Requested> command) {
    BackupEvents.Requested data = command.data();
    String backupId = data.backupId() != null ? data.backupId() : BackupIds.next(clock);
    var request =
        new Backup.Request(
            backupId,
            data.database(),
            command.id(),
            command.correlationIdOrId(),
            data.reason(),
            data.migration(),
            data.requestedBy(),
            data.labels(),
            clock.instant());
    return catalog
        .accept(request)
        .call(
            accepted ->
                accepted.created()
                    ? events.publish(
                        EventType.BACKUP_REQUESTED,
                        accepted.backup().correlationId(),
                        data.withBackupId(backupId))
                    : Uni.createFrom().voidItem())
        .map(BackupRepository.Accepted::backup);
  }
}
