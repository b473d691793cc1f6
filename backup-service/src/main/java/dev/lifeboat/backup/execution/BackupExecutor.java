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
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.failpoints.Failpoints;
import dev.lifeboat.common.messaging.EventPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Takes one backup from start to its manifest, on a worker thread: catalog and events at each step,
 * and on failure a reason a human can act on, with nothing left in storage. A stored manifest is
 * final: the backup then completes, if need be after a restart, and is never failed or removed.
 */
@ApplicationScoped
public class BackupExecutor {
  private static final Logger LOG = Logger.getLogger(BackupExecutor.class);

  /**
   * How long a backup's start or ending waits for the broker to take it before the command is left
   * unacknowledged, for its redelivery to announce it again.
   */
  static final Duration PUBLISH_FOR = Duration.ofMinutes(5);

  private final BackupRepository catalog;
  private final DumpPipeline pipeline;
  private final BackupStore store;
  private final TargetDatabases targets;
  private final EventPublisher events;
  private final BackupMetrics metrics;
  private final ObjectMapper json;
  private final Retention retention;
  private final Clock clock = Clock.systemUTC();

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
    catalog.markRunning(id, started).await().indefinitely();
    publishPatiently(
        "backup.started of " + id,
        () ->
            events.publish(
                EventType.BACKUP_STARTED,
                correlation,
                new BackupEvents.Started(id, database, backup.migration())));
    String prefix = ObjectKeys.prefix(database, id);
    Manifest manifest;
    try {
      // A redelivered backup may find what an interrupted attempt left.
      store.removeLeftovers(prefix);
      var result =
          pipeline.run(
              targets.get(database),
              ObjectKeys.dump(database, id),
              (dumped, stored, rate) -> {
                catalog.progress(id, dumped, stored, rate).await().indefinitely();
                // Progress is a report, not the backup's record: the dump neither waits for the
                // broker nor fails without it, and a report the broker does not take is dropped.
                events
                    .publish(
                        EventType.BACKUP_PROGRESS,
                        correlation,
                        new BackupEvents.Progress(id, database, dumped, stored, rate))
                    .subscribe()
                    .with(
                        sent -> {},
                        e ->
                            LOG.debugf(
                                "a progress event of backup %s was not published: %s",
                                id, e.getMessage()));
              });
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
   * Records and announces a stored backup as completed. Idempotent: after a crash anywhere in here
   * the redelivered command does it again, and {@code backup.completed} keeps its id.
   */
  private void complete(Backup backup, Manifest manifest, Instant started) {
    String id = backup.backupId();
    String database = backup.database();
    Duration took =
        started == null ? Duration.ZERO : Duration.between(started, manifest.completedAt());
    if (catalog.markCompleted(manifest).await().indefinitely()) {
      metrics.completed(
          database, took, manifest.sizeBytes(), manifest.dumpBytes(), manifest.completedAt());
    } else {
      BackupStatus now = catalog.find(id).await().indefinitely().map(Backup::status).orElse(null);
      if (now != BackupStatus.COMPLETED) {
        LOG.warnf(
            "backup %s of %s was stored but is %s; not announced as completed", id, database, now);
        return;
      }
    }
    Failpoints.reach("backup.after-catalog");
    publishPatiently("backup.completed of " + id, () -> announceCompleted(backup, manifest, took));
    LOG.infof(
        "backup %s of %s completed: %d bytes stored in %s",
        id, database, manifest.sizeBytes(), took);
    applyRetention(database);
  }

  /**
   * Publishes {@code backup.completed} for a backup the catalog holds as completed, under the id
   * derived from the backup id: each publication of it is the same event to consumers.
   */
  public Uni<Void> announceCompleted(Backup backup, Manifest manifest, Duration took) {
    return events
        .publishOnce(
            EventType.BACKUP_COMPLETED,
            backup.correlationId(),
            new BackupEvents.Completed(
                backup.backupId(),
                backup.database(),
                manifest.objectKey(),
                manifest.sizeBytes(),
                manifest.dumpBytes(),
                manifest.sha256(),
                took.toMillis(),
                manifest.tables().size(),
                backup.migration()),
            backup.backupId())
        .replaceWithVoid();
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
    if (!catalog.markFailed(id, reason, clock.instant()).await().indefinitely()) {
      LOG.warnf("backup %s of %s had already finished; its failure is not recorded", id, database);
      return;
    }
    metrics.failed(database);
    publishPatiently(
        "backup.failed of " + id,
        () ->
            events.publishOnce(
                EventType.BACKUP_FAILED,
                backup.correlationId(),
                new BackupEvents.Failed(id, database, reason),
                id));
  }

  /**
   * Publishes, trying again with a growing pause (0.5 s doubling to 15 s) while the broker does not
   * take it, for up to {@link #PUBLISH_FOR}; then throws, leaving the command unacknowledged: its
   * redelivery (after a restart or a rebalance) finds the backup where it was and announces it
   * again. A producer gives a record up after its {@code delivery.timeout.ms} (two minutes by
   * default), so a broker down longer than that would otherwise fail or lose the announcement.
   */
  private static void publishPatiently(String what, Supplier<Uni<?>> publication) {
    long deadline = System.nanoTime() + PUBLISH_FOR.toNanos();
    for (long pause = 500; ; pause = Math.min(pause * 2, 15_000)) {
      try {
        publication.get().await().indefinitely();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LOG.warnf("%s is not published yet (%s); trying again", what, e.getMessage());
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
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
