package dev.lifeboat.backup.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.storage.ObjectKeys;
import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.backup.catalog.BackupStatus;
import dev.lifeboat.backup.dump.DumpPipeline;
import dev.lifeboat.backup.metrics.BackupMetrics;
import dev.lifeboat.backup.retention.Retention;
import dev.lifeboat.backup.storage.BackupStore;
import dev.lifeboat.backup.storage.StorageException;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.failpoints.Failpoints;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.work.NewestReport;
import dev.lifeboat.common.work.WorkerThreads;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Takes one backup from start to its manifest, on a worker thread: catalog and events at each step,
 * and on failure a reason a human can act on, with nothing left in storage. A stored manifest is
 * final: the backup then completes, if need be after a restart, and is never failed or removed.
 *
 * <p>A backup's start and ending commit with their events (the catalog appends them to the outbox),
 * so a backup never waits for the broker; only {@code backup.progress}, a report, goes to the
 * broker directly and is dropped when it does not take it. Progress is written on a thread of its
 * own ({@link NewestReport}): the dump never waits for the catalog or the broker.
 */
@ApplicationScoped
public class BackupExecutor {
  private static final Logger LOG = Logger.getLogger(BackupExecutor.class);

  private final BackupRepository catalog;
  private final DumpPipeline pipeline;
  private final BackupStore store;
  private final TargetDatabases targets;
  private final EventPublisher events;
  private final BackupMetrics metrics;
  private final ObjectMapper json;
  private final Retention retention;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService progressThread = WorkerThreads.fixed("backup-progress", 1);

  public BackupExecutor(
      BackupRepository catalog,
      DumpPipeline pipeline,
      BackupStore store,
      TargetDatabases targets,
      EventPublisher events,
      BackupMetrics metrics,
      ObjectMapper json,
      Retention retention) {
    this.catalog = catalog;
    this.pipeline = pipeline;
    this.store = store;
    this.targets = targets;
    this.events = events;
    this.metrics = metrics;
    this.json = json;
    this.retention = retention;
  }

  @PreDestroy
  void stop() {
    progressThread.shutdownNow();
  }

  /** Records a running backup's progress and announces it; off the dump's thread. */
  private void report(String correlation, BackupEvents.Progress progress) {
    catalog
        .progress(
            progress.backupId(),
            progress.bytesDumped(),
            progress.bytesStored(),
            progress.bytesPerSecond())
        .await()
        .atMost(IoWaits.LIMIT);
    events
        .publish(EventType.BACKUP_PROGRESS, correlation, progress)
        .subscribe()
        .with(
            sent -> {},
            e ->
                LOG.debugf(
                    "a progress event of backup %s was not published: %s",
                    progress.backupId(), e.getMessage()));
  }

  /**
   * Runs the backup. Returns true once it completed or failed for good (recorded and announced);
   * throws when even that could not be recorded, so that its command is redelivered.
   *
   * <p>Once its manifest is stored the backup exists, and nothing that goes wrong afterwards
   * deletes it or marks it failed: an error there throws, and the redelivered command (after a
   * restart) finds the manifest and finishes the backup from it.
   */
  public boolean execute(Backup backup) {
    String id = backup.backupId();
    String database = backup.database();
    if (backup.status() == BackupStatus.RUNNING) {
      // An earlier attempt ran: it may have stored the manifest before it stopped.
      Optional<byte[]> stored;
      try {
        stored = store.read(ObjectKeys.manifest(database, id));
      } catch (StorageException e) {
        throw new IllegalStateException(
            "cannot tell whether backup " + id + " was stored: " + e.getMessage(), e);
      }
      if (stored.isPresent()) {
        return finishStored(backup, stored.get());
      }
    }
    String correlation = backup.correlationId();
    Instant started = clock.instant();
    catalog
        .markRunning(
            id,
            started,
            events.event(
                EventType.BACKUP_STARTED,
                correlation,
                new BackupEvents.Started(id, database, backup.migration())))
        .await()
        .indefinitely();
    String prefix = ObjectKeys.prefix(database, id);
    Manifest manifest;
    try {
      // Progress is a report, not the backup's record: the dump neither waits for the catalog or
      // the broker nor fails without them; a report they do not take is dropped.
      NewestReport<BackupEvents.Progress> progress =
          new NewestReport<>(progressThread, report -> report(correlation, report));
      // A redelivered backup may find what an interrupted attempt left.
      store.removeLeftovers(prefix);
      var result =
          pipeline.run(
              targets.get(database),
              ObjectKeys.dump(database, id),
              (dumped, stored, rate) ->
                  progress.offer(new BackupEvents.Progress(id, database, dumped, stored, rate)));
      // No report of the dump may land after its end is announced.
      progress.awaitHandedOver(Duration.ofSeconds(5));
      manifest =
          new Manifest(
              Manifest.VERSION,
              id,
              database,
              result.createdAt(),
              clock.instant(),
              result.serverVersion(),
              Manifest.FORMAT,
              Manifest.COMPRESSION,
              result.encryption(),
              result.encryptionKeyIds(),
              ObjectKeys.dump(database, id),
              result.sizeBytes(),
              result.sha256(),
              result.dumpBytes(),
              result.tables(),
              backup.migration(),
              backup.reason(),
              backup.labels(),
              backup.requestedBy(),
              correlation,
              backup.pinned());
      Failpoints.reach("backup.after-upload");
      // The manifest is written last: only now does the backup exist.
      store.put(
          ObjectKeys.manifest(database, id),
          json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest),
          "application/json");
    } catch (Exception e) {
      fail(backup, reason(e), true);
      return true;
    }
    Failpoints.reach("backup.after-manifest");
    complete(backup, manifest, started);
    return true;
  }

  /**
   * Finishes a backup whose manifest an earlier attempt stored: the manifest is checked against the
   * backup and its stored dump, then the backup completes from it, without dumping again.
   */
  private boolean finishStored(Backup backup, byte[] stored) {
    String id = backup.backupId();
    String database = backup.database();
    Manifest manifest;
    String mismatch;
    try {
      manifest = json.readValue(stored, Manifest.class);
      mismatch = mismatch(backup, manifest);
    } catch (IOException e) {
      manifest = null;
      mismatch = "it cannot be read: " + e.getMessage();
    }
    if (mismatch != null) {
      // Not this backup's manifest, or its dump is not what it describes: nothing is removed,
      // so that an operator can see what is there.
      fail(
          backup,
          "the stored manifest "
              + ObjectKeys.manifest(database, id)
              + " does not describe this backup ("
              + mismatch
              + "); its objects are left in place",
          false);
      return true;
    }
    LOG.infof("backup %s of %s was stored before an interruption; finishing it", id, database);
    complete(backup, manifest, backup.startedAt());
    return true;
  }

  /** Why the manifest does not belong to the backup, or null when it does. */
  private String mismatch(Backup backup, Manifest manifest) {
    String dumpKey = ObjectKeys.dump(backup.database(), backup.backupId());
    if (!backup.backupId().equals(manifest.backupId())) {
      return "it names backup " + manifest.backupId();
    }
    if (!backup.database().equals(manifest.database())) {
      return "it names database " + manifest.database();
    }
    if (!dumpKey.equals(manifest.objectKey())) {
      return "it names the object " + manifest.objectKey();
    }
    OptionalLong size;
    try {
      size = store.size(dumpKey);
    } catch (StorageException e) {
      throw new IllegalStateException(
          "cannot check the stored dump of " + backup.backupId() + ": " + e.getMessage(), e);
    }
    if (size.isEmpty()) {
      return "there is no " + dumpKey;
    }
    if (size.getAsLong() != manifest.sizeBytes()) {
      return dumpKey
          + " holds "
          + size.getAsLong()
          + " bytes, the manifest says "
          + manifest.sizeBytes();
    }
    return null;
  }

  /**
   * Records a stored backup as completed, with its {@code backup.completed}. Idempotent: after a
   * crash anywhere in here the redelivered command does it again, and {@code backup.completed}
   * keeps its id.
   */
  private void complete(Backup backup, Manifest manifest, Instant started) {
    String id = backup.backupId();
    String database = backup.database();
    Duration took =
        started == null ? Duration.ZERO : Duration.between(started, manifest.completedAt());
    CloudEvent<BackupEvents.Completed> completed = completedEvent(backup, manifest, took);
    if (catalog.markCompleted(manifest, completed).await().atMost(IoWaits.LIMIT)) {
      metrics.completed(
          database, took, manifest.sizeBytes(), manifest.dumpBytes(), manifest.completedAt());
    } else {
      BackupStatus now =
          catalog.find(id).await().atMost(IoWaits.LIMIT).map(Backup::status).orElse(null);
      if (now != BackupStatus.COMPLETED) {
        LOG.warnf(
            "backup %s of %s was stored but is %s; not announced as completed", id, database, now);
        return;
      }
      catalog.announceAgain(completed).await().atMost(IoWaits.LIMIT);
    }
    Failpoints.reach("backup.after-catalog");
    LOG.infof(
        "backup %s of %s completed: %d bytes stored in %s",
        id, database, manifest.sizeBytes(), took);
    applyRetention(database);
  }

  /**
   * A command for a backup that had finished: its terminal event ({@code backup.completed} or
   * {@code backup.failed}) goes to the outbox again, with the id it first had (a no-op while the
   * outbox still holds it). A backup of another state has none.
   */
  public Uni<Void> announceAgain(Backup backup) {
    return switch (backup.status()) {
      case COMPLETED ->
          catalog.announceAgain(completedEvent(backup, backup.manifest(), took(backup)));
      case FAILED -> catalog.announceAgain(failedEvent(backup, backup.failureReason()));
      default -> Uni.createFrom().voidItem();
    };
  }

  private static Duration took(Backup backup) {
    return backup.startedAt() == null || backup.completedAt() == null
        ? Duration.ZERO
        : Duration.between(backup.startedAt(), backup.completedAt());
  }

  /** {@code backup.completed}, under the id derived from the backup id. */
  private CloudEvent<BackupEvents.Completed> completedEvent(
      Backup backup, Manifest manifest, Duration took) {
    return ending(
        EventType.BACKUP_COMPLETED,
        backup,
        new BackupEvents.Completed(
            backup.backupId(),
            backup.database(),
            manifest.objectKey(),
            manifest.sizeBytes(),
            manifest.dumpBytes(),
            manifest.sha256(),
            took.toMillis(),
            manifest.tables().size(),
            backup.migration()));
  }

  /** {@code backup.failed}, under the id derived from the backup id. */
  public CloudEvent<BackupEvents.Failed> failedEvent(Backup backup, String reason) {
    return ending(
        EventType.BACKUP_FAILED,
        backup,
        new BackupEvents.Failed(backup.backupId(), backup.database(), reason));
  }

  /**
   * A backup's terminal event, under an id derived from the backup and the event's type: each
   * announcement of it is the same event to consumers.
   */
  private <T extends EventData> CloudEvent<T> ending(EventType<T> type, Backup backup, T data) {
    return events.eventOnce(type, backup.correlationId(), data, backup.backupId());
  }

  /**
   * Records and announces a backup that has no stored manifest as failed; with {@code
   * removeObjects}, removes what it left in storage first.
   */
  private void fail(Backup backup, String reason, boolean removeObjects) {
    String id = backup.backupId();
    String database = backup.database();
    LOG.warnf("backup %s of %s failed: %s", id, database, reason);
    if (removeObjects) {
      try {
        store.removeLeftovers(ObjectKeys.prefix(database, id));
      } catch (StorageException cleanup) {
        LOG.warnf("could not remove what backup %s left: %s", id, cleanup.getMessage());
      }
    }
    if (!catalog
        .markFailed(id, reason, clock.instant(), failedEvent(backup, reason))
        .await()
        .indefinitely()) {
      LOG.warnf("backup %s of %s had already finished; its failure is not recorded", id, database);
      return;
    }
    metrics.failed(database);
  }

  private void applyRetention(String database) {
    try {
      retention.apply(database);
    } catch (RuntimeException e) {
      // The backup itself succeeded; the daily run will try retention again.
      LOG.warnf("retention of %s after a backup failed: %s", database, e.getMessage());
    }
  }

  /** What went wrong, in words an operator can act on. */
  static String reason(Exception e) {
    if (e instanceof SQLException sql) {
      return "cannot read the database: " + sql.getMessage();
    }
    if (e instanceof JsonProcessingException) {
      return "cannot write the manifest: " + e.getMessage();
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
