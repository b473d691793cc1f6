package dev.lifeboat.backup.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.storage.ObjectKeys;
import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupRepository;
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
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Takes one backup from start to its manifest, on a worker thread: catalog and events at each step,
 * and on failure a reason a human can act on, with nothing left in storage.
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
   */
  public boolean execute(Backup backup) {
    String id = backup.backupId();
    String database = backup.database();
    String correlation = backup.correlationId();
    Instant started = clock.instant();
    catalog.markRunning(id, started).await().indefinitely();
    events
        .publish(
            EventType.BACKUP_STARTED,
            correlation,
            new BackupEvents.Started(id, database, backup.migration()))
        .await()
        .indefinitely();
    String prefix = ObjectKeys.prefix(database, id);
    try {
      // A redelivered backup may find what an interrupted attempt left.
      store.removeLeftovers(prefix);
      var result =
          pipeline.run(
              targets.get(database),
              ObjectKeys.dump(database, id),
              (dumped, stored, rate) -> {
                catalog.progress(id, dumped, stored, rate).await().indefinitely();
                events
                    .publish(
                        EventType.BACKUP_PROGRESS,
                        correlation,
                        new BackupEvents.Progress(id, database, dumped, stored, rate))
                    .await()
                    .indefinitely();
              });
      Instant completed = clock.instant();
      Manifest manifest =
          new Manifest(
              Manifest.VERSION,
              id,
              database,
              result.createdAt(),
              completed,
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
      Failpoints.reach("backup.after-manifest");
      catalog.markCompleted(manifest).await().indefinitely();
      Duration took = Duration.between(started, completed);
      metrics.completed(database, took, result.sizeBytes(), result.dumpBytes(), completed);
      Failpoints.reach("backup.after-catalog");
      events
          .publish(
              EventType.BACKUP_COMPLETED,
              correlation,
              new BackupEvents.Completed(
                  id,
                  database,
                  manifest.objectKey(),
                  manifest.sizeBytes(),
                  manifest.dumpBytes(),
                  manifest.sha256(),
                  took.toMillis(),
                  manifest.tables().size(),
                  backup.migration()))
          .await()
          .indefinitely();
      LOG.infof(
          "backup %s of %s completed: %d bytes stored in %s",
          id, database, result.sizeBytes(), took);
      applyRetention(database);
      return true;
    } catch (Exception e) {
      String reason = reason(e);
      LOG.warnf("backup %s of %s failed: %s", id, database, reason);
      try {
        store.removeLeftovers(prefix);
      } catch (StorageException cleanup) {
        LOG.warnf("could not remove what backup %s left: %s", id, cleanup.getMessage());
      }
      catalog.markFailed(id, reason, clock.instant()).await().indefinitely();
      metrics.failed(database);
      events
          .publish(
              EventType.BACKUP_FAILED, correlation, new BackupEvents.Failed(id, database, reason))
          .await()
          .indefinitely();
      return true;
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
