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
   * completed or failed backup announces its {@code backup.completed} or {@code backup.failed}
   * again, under the same event id (consumers store it once).
   */
  public Uni<Backup> accept(CloudEvent<BackupEvents.Requested> command, Runnable whenFinished) {
    return record(command)
        .call(
            backup -> {
              if (backup.status() == BackupStatus.COMPLETED
                  || backup.status() == BackupStatus.FAILED) {
                return executor.announceAgain(backup).invoke(whenFinished);
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

  /**
   * The catalog entry of the command, made if this is its first delivery, together with its {@code
   * backup.requested} event.
   */
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
        .accept(
            request,
            events.event(
                EventType.BACKUP_REQUESTED, request.correlationId(), data.withBackupId(backupId)))
        .map(BackupRepository.Accepted::backup);
  }

  /**
   * Fails a recorded backup whose command the broker did not take, with its {@code backup.failed}:
   * its {@code backup.requested} is already in the outbox.
   */
  public Uni<Void> notQueued(Backup backup, String reason) {
    return catalog
        .markFailed(
            backup.backupId(), reason, clock.instant(), executor.failedEvent(backup, reason))
        .replaceWithVoid();
  }
}
