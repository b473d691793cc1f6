package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.ArchiveReader;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.PostgresClientConfig;
import dev.lifeboat.archive.restore.ArchiveRestore;
import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.safety.SafetyBackups;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The steps every mode is made of: read and check the backup, take the safety backup and the
 * database's lock, create a marked database, stream the archive into it (checked against its
 * SHA-256 as it goes), compare the rows with the manifest.
 */
@ApplicationScoped
class RestoreSteps {
  private static final Logger LOG = Logger.getLogger(RestoreSteps.class);

  private final RestoreRepository catalog;
  private final StoredBackups backups;
  private final EventPublisher events;
  private final SafetyBackups safety;
  private final RestoreConfig config;
  private final ArchiveRestore archiveRestore;

  RestoreSteps(
      RestoreRepository catalog,
      StoredBackups backups,
      EventPublisher events,
      SafetyBackups safety,
      RestoreConfig config,
      PostgresClientConfig postgres) {
    this.catalog = catalog;
    this.backups = backups;
    this.events = events;
    this.safety = safety;
    this.config = config;
    this.archiveRestore =
        new ArchiveRestore(
            PgBinaries.locate(postgres.binDir()),
            config.encryption().identities().orElse(List.of()));
  }

  ArchiveRestore archiveRestore() {
    return archiveRestore;
  }

  StoredBackups backups() {
    return backups;
  }

  Manifest manifest(String database, String backupId) throws StepFailure, IOException {
    return backups
        .manifest(database, backupId)
        .orElseThrow(() -> new StepFailure("backup " + backupId + " no longer exists"));
  }

  /**
   * Keeps the backup from retention and deletion while the restore reads it: a hold, placed before
   * the manifest is read (backup-service deletes a manifest only when no hold is there, and looks
   * again after deleting it).
   */
  void hold(RestoreRun run) throws IOException {
    backups.hold(run.restore.database(), run.restore.backupId(), run.id());
  }

  /** Lets the backup go again, once the restore's end is recorded. */
  void release(Restore r) {
    try {
      backups.release(r.database(), r.backupId(), r.restoreId());
    } catch (IOException | RuntimeException e) {
      // Harmless but sticky: it keeps the backup from deletion until a later run releases it.
      LOG.warnf(
          "restore %s could not release its hold on backup %s: %s",
          r.restoreId(), r.backupId(), e.getMessage());
    }
  }

  /** The stored bytes must be exactly what the manifest promises, before anything is touched. */
  void verifyChecksum(Manifest manifest) throws Exception {
    Optional<String> damage = backups.damage(manifest);
    if (damage.isPresent()) {
      throw new StepFailure(damage.get() + "; nothing was touched");
    }
  }

  /**
   * Takes the safety backup through backup-service, or finds the one a crashed run took. It counts
   * only once its manifest, read back from storage, is this restore's ({@link SafetyBackups}).
   */
  void safetyBackup(RestoreRun run) throws Exception {
    Optional<SafetyBackups.Outcome> outcome = safety.outcome(run.id());
    if (outcome.isEmpty() || !outcome.get().completed()) {
      // Once again after a redelivery: backup-service takes a command id once.
      safety.request(run.restore);
      long deadline = System.nanoTime() + safety.timeout().toNanos();
      while ((outcome = safety.outcome(run.id())).isEmpty()) {
        run.cancellation.check();
        if (System.nanoTime() > deadline) {
          throw new StepFailure(
              "no answer from backup-service about the safety backup within "
                  + safety.timeout()
                  + "; nothing was touched");
        }
        Thread.sleep(200);
      }
    }
    if (!outcome.get().completed()) {
      throw new StepFailure(
          "the safety backup "
              + outcome.get().backupId()
              + " failed ("
              + outcome.get().reason()
              + "); nothing was touched");
    }
    String problem = safety.mismatch(run.restore, outcome.get().backupId()).orElse(null);
    if (problem != null) {
      throw new StepFailure(
          "the safety backup "
              + outcome.get().backupId()
              + " "
              + problem
              + "; nothing was touched");
    }
    LOG.infof("restore %s: safety backup %s taken", run.id(), outcome.get().backupId());
  }

  /**
   * Backups and checks of this database hold its lock shared: the restore waits for them, and later
   * ones wait for the restore.
   */
  DatabaseLocks.Lease lock(RestoreRun run) throws StepFailure {
    try {
      return DatabaseLocks.exclusive(run.target, config.lockWait());
    } catch (SQLException e) {
      throw new StepFailure(
          "cannot take the lock that keeps backups away: "
              + e.getMessage()
              + "; nothing was touched");
    }
  }

  /**
   * Past this point the restore cannot be cancelled. A cancel asked for first wins: the restore
   * stops here, before the change.
   */
  void pointOfNoReturn(RestoreRun run) throws Cancellation.Cancelled {
    run.cancellation.checkNow();
    if (!catalog.passPointOfNoReturn(run.id()).await().atMost(IoWaits.LIMIT)) {
      run.cancellation.checkNow();
      throw new IllegalStateException("a cancel was asked for but is not visible");
    }
  }

  /** Creates {@code database}, owned as the target is, marked as this restore's. */
  void createMarked(RestoreRun run, String database, String owner) throws Exception {
    try (TargetServer server = TargetServer.connect(run.target)) {
      if (server.exists(database)) {
        throw new StepFailure("database " + database + " already exists");
      }
      server.createMarked(database, owner, run.mark());
    }
  }

  /** The role that owns the target database now. */
  String targetOwner(RestoreRun run) throws Exception {
    try (TargetServer server = TargetServer.connect(run.target)) {
      return server
          .owner(run.database())
          .orElseThrow(() -> new StepFailure("database " + run.database() + " does not exist"));
    }
  }

  /**
   * Streams the archive into {@code database}, reporting progress, stoppable by a cancel. The
   * stored bytes are checked against the manifest's SHA-256 as they are read: a damaged archive
   * fails before pg_restore could commit its end.
   */
  void restore(RestoreRun run, String database, Manifest manifest, List<String> options, int tables)
      throws Exception {
    run.cancellation.check();
    var progress =
        new ProgressTracker(
            run.restore, catalog, events, config.progressInterval(), manifest.sizeBytes(), tables);
    try (InputStream stored =
        progress.counting(
            run.current(),
            ArchiveReader.verifying(
                backups.openDump(manifest), manifest.sizeBytes(), manifest.sha256()))) {
      archiveRestore.restore(
          run.target,
          database,
          stored,
          options,
          new ArchiveRestore.Observer() {
            @Override
            public void started(ProcessHandle pgRestore) {
              run.cancellation.running(pgRestore);
            }

            @Override
            public void tableStarted(String qualifiedName) {
              progress.tableStarted();
            }
          });
    } catch (ArchiveReader.ChecksumMismatchException e) {
      throw new StepFailure(e.getMessage());
    }
    run.cancellation.check();
    progress.finished();
  }

  void verifyRows(RestoreRun run, String database, List<Manifest.Table> tables) throws Exception {
    List<String> differences = ArchiveRestore.rowCountDifferences(run.target, database, tables);
    if (!differences.isEmpty()) {
      throw new StepFailure(
          "row counts differ from the manifest: " + String.join("; ", differences));
    }
  }
}
