package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.ArchiveReader;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.restore.ArchiveRestore;
import dev.lifeboat.archive.restore.TargetServer;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import dev.lifeboat.restore.plan.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs a confirmed restore step by step, on a worker thread. Before the swap, nothing touches the
 * target: a failure there leaves it exactly as it was and drops the scratch database.
 */
@ApplicationScoped
public class RestoreExecutor {
  private static final Logger LOG = Logger.getLogger(RestoreExecutor.class);

  private final RestoreRepository catalog;
  private final StoredBackups backups;
  private final TargetDatabases targets;
  private final EventPublisher events;
  private final ArchiveRestore archiveRestore;
  private final Clock clock = Clock.systemUTC();

  public RestoreExecutor(
      RestoreRepository catalog,
      StoredBackups backups,
      TargetDatabases targets,
      EventPublisher events,
      RestoreConfig config,
      @ConfigProperty(name = "lifeboat.postgres.bin-dir")
          java.util.Optional<java.nio.file.Path> binDir) {
    this.catalog = catalog;
    this.backups = backups;
    this.targets = targets;
    this.events = events;
    this.archiveRestore =
        new ArchiveRestore(
            PgBinaries.locate(binDir), config.encryption().identities().orElse(List.of()));
  }

  /** A step that failed, with a reason a responder can act on. */
  static final class StepFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StepFailure(String message) {
      super(message);
    }
  }

  /** Runs the restore; true once it completed or failed for good. */
  public boolean execute(Restore confirmed) {
    Restore r = catalog.start(confirmed.restoreId()).await().indefinitely().orElse(null);
    if (r == null) {
      return true; // cancelled meanwhile
    }
    if (confirmed.status() == RestoreStatus.RUNNING && recovered(r)) {
      return true;
    }
    Instant started = clock.instant();
    List<Plan.Step> steps = new ArrayList<>(r.plan().steps());
    String scratch = scratchName(r);
    String current = null;
    events
        .publish(
            EventType.RESTORE_STARTED,
            r.correlationId(),
            new RestoreEvents.Started(r.restoreId(), r.backupId(), r.database(), r.mode()))
        .await()
        .indefinitely();
    TargetDatabase target = targets.get(r.database());
    try {
      Manifest manifest =
          backups
              .manifest(r.database(), r.backupId())
              .orElseThrow(() -> new StepFailure("backup " + r.backupId() + " no longer exists"));
      current = begin(r, steps, "verify-checksum");
      verifyChecksum(manifest);
      done(r, steps, current);
      if (r.safetyBackup()) {
        throw new StepFailure(
            "safety backups before a restore are not available yet: plan with safetyBackup false");
      }
      switch (r.mode()) {
        case SWAP -> {
          current = begin(r, steps, "restore-scratch");
          restoreInto(target, scratch, manifest);
          done(r, steps, current);
          current = begin(r, steps, "verify-rows");
          verifyRows(target, scratch, manifest);
          done(r, steps, current);
          current = begin(r, steps, "swap");
          try (TargetServer server = TargetServer.connect(target)) {
            server.swap(r.database(), scratch, keptName(r));
          }
          done(r, steps, current);
        }
        case NEW_DATABASE -> {
          current = begin(r, steps, "restore-new-database");
          restoreInto(target, r.newDatabase(), manifest);
          done(r, steps, current);
          current = begin(r, steps, "verify-rows");
          verifyRows(target, r.newDatabase(), manifest);
          done(r, steps, current);
        }
        default -> throw new StepFailure("mode " + r.mode() + " cannot be executed yet");
      }
      // health-service checks the database when it sees restore.completed.
      set(r, steps, "health-check", "REQUESTED");
      Duration took = Duration.between(started, clock.instant());
      catalog
          .complete(r.restoreId(), "restored in " + took.toSeconds() + " s", clock.instant())
          .await()
          .indefinitely();
      events
          .publish(
              EventType.RESTORE_COMPLETED,
              r.correlationId(),
              new RestoreEvents.Completed(
                  r.restoreId(), r.backupId(), r.database(), took.toMillis()))
          .await()
          .indefinitely();
      LOG.infof("restore %s of %s completed in %s", r.restoreId(), r.database(), took);
      return true;
    } catch (Exception e) {
      String reason =
          e instanceof StepFailure
              ? e.getMessage()
              : e.getClass().getSimpleName() + ": " + e.getMessage();
      LOG.warnf("restore %s of %s failed at %s: %s", r.restoreId(), r.database(), current, reason);
      dropQuietly(target, r.mode() == RestoreEvents.Mode.NEW_DATABASE ? r.newDatabase() : scratch);
      if (current != null) {
        set(r, steps, current, "FAILED");
      }
      catalog.fail(r.restoreId(), reason, clock.instant()).await().indefinitely();
      events
          .publish(
              EventType.RESTORE_FAILED,
              r.correlationId(),
              new RestoreEvents.Failed(r.restoreId(), r.backupId(), r.database(), current, reason))
          .await()
          .indefinitely();
      return true;
    }
  }

  /**
   * A restore that was running when the service stopped, delivered again. If its swap had happened
   * (the undo database exists), it is complete; otherwise what it had created is dropped, the
   * target being untouched before the swap, and it runs again from the start. Returns true when
   * complete.
   */
  private boolean recovered(Restore r) {
    TargetDatabase target = targets.get(r.database());
    try (TargetServer server = TargetServer.connect(target)) {
      if (r.mode() == RestoreEvents.Mode.SWAP && server.exists(keptName(r))) {
        List<Plan.Step> steps = new ArrayList<>(r.plan().steps());
        steps.replaceAll(
            step ->
                new Plan.Step(
                    step.name(),
                    step.description(),
                    "health-check".equals(step.name()) ? "REQUESTED" : "DONE"));
        catalog.steps(r.restoreId(), steps).await().indefinitely();
        catalog
            .complete(r.restoreId(), "completed before the service restarted", clock.instant())
            .await()
            .indefinitely();
        events
            .publish(
                EventType.RESTORE_COMPLETED,
                r.correlationId(),
                new RestoreEvents.Completed(r.restoreId(), r.backupId(), r.database(), 0))
            .await()
            .indefinitely();
        LOG.infof("restore %s had swapped before the restart: complete", r.restoreId());
        return true;
      }
      String leftover =
          r.mode() == RestoreEvents.Mode.NEW_DATABASE ? r.newDatabase() : scratchName(r);
      server.dropIfExists(leftover);
      LOG.infof(
          "restore %s was interrupted before its swap; dropped %s and running it again",
          r.restoreId(), leftover);
      return false;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(
          "cannot inspect " + r.database() + " to recover restore " + r.restoreId(), e);
    }
  }

  /** The stored bytes must be exactly what the manifest promises, before anything is touched. */
  private void verifyChecksum(Manifest manifest) throws Exception {
    ArchiveReader.Checksum checksum;
    try (InputStream in = backups.openDump(manifest)) {
      checksum = ArchiveReader.checksum(in);
    }
    if (!checksum.sha256().equals(manifest.sha256())
        || checksum.sizeBytes() != manifest.sizeBytes()) {
      throw new StepFailure(
          "the stored backup does not match its manifest (sha256 "
              + checksum.sha256()
              + ", "
              + checksum.sizeBytes()
              + " bytes; expected "
              + manifest.sha256()
              + ", "
              + manifest.sizeBytes()
              + " bytes): it is damaged; nothing was touched");
    }
  }

  private void restoreInto(TargetDatabase target, String database, Manifest manifest)
      throws Exception {
    try (TargetServer server = TargetServer.connect(target)) {
      if (server.exists(database)) {
        throw new StepFailure("database " + database + " already exists");
      }
      server.createLike(database, target.database());
    }
    try (InputStream stored = backups.openDump(manifest)) {
      archiveRestore.restore(target, database, stored, List.of());
    }
  }

  private static void verifyRows(TargetDatabase target, String database, Manifest manifest)
      throws Exception {
    List<String> differences =
        ArchiveRestore.rowCountDifferences(target, database, manifest.tables());
    if (!differences.isEmpty()) {
      throw new StepFailure(
          "row counts differ from the manifest: " + String.join("; ", differences));
    }
  }

  private String begin(Restore r, List<Plan.Step> steps, String name) {
    set(r, steps, name, "RUNNING");
    int index = indexOf(steps, name);
    int percent = steps.isEmpty() ? 0 : index * 100 / steps.size();
    events
        .publish(
            EventType.RESTORE_PROGRESS,
            r.correlationId(),
            new RestoreEvents.Progress(r.restoreId(), r.database(), name, percent, 0, 0))
        .await()
        .indefinitely();
    return name;
  }

  private void done(Restore r, List<Plan.Step> steps, String name) {
    set(r, steps, name, "DONE");
  }

  private void set(Restore r, List<Plan.Step> steps, String name, String state) {
    int index = indexOf(steps, name);
    if (index >= 0) {
      Plan.Step step = steps.get(index);
      steps.set(index, new Plan.Step(step.name(), step.description(), state));
      catalog.steps(r.restoreId(), steps).await().indefinitely();
    }
  }

  private static int indexOf(List<Plan.Step> steps, String name) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private void dropQuietly(TargetDatabase target, String database) {
    if (database == null) {
      return;
    }
    try (TargetServer server = TargetServer.connect(target)) {
      server.dropIfExists(database);
    } catch (Exception e) {
      LOG.warnf("could not drop %s after a failed restore: %s", database, e.getMessage());
    }
  }

  /**
   * {@code <db>_lbr_<8 hex>}: PostgreSQL cuts names at 63 bytes, so the database part is shortened.
   */
  static String scratchName(Restore r) {
    return shorten(r.database(), 50)
        + "_lbr_"
        + r.restoreId().substring(r.restoreId().length() - 8);
  }

  /** {@code <db>_pre_<restoreId>}, the undo kept after a swap. */
  static String keptName(Restore r) {
    return shorten(r.database(), 63 - 5 - r.restoreId().length()) + "_pre_" + r.restoreId();
  }

  private static String shorten(String name, int max) {
    return name.length() <= max ? name : name.substring(0, max);
  }
}
