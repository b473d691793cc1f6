package dev.lifeboat.restore.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.ArchiveReader;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.locks.DatabaseLocks;
import dev.lifeboat.archive.restore.ArchiveRestore;
import dev.lifeboat.archive.restore.TargetServer;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.events.RestoreEvents.Mode;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import dev.lifeboat.restore.metrics.RestoreMetrics;
import dev.lifeboat.restore.plan.Plan;
import dev.lifeboat.restore.plan.TableName;
import dev.lifeboat.restore.safety.SafetyBackups;
import dev.lifeboat.restore.tables.TableSwap;
import dev.lifeboat.restore.tables.TocSelection;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs a confirmed restore step by step, on a worker thread. Before its point of no return (the
 * swap of SWAP, the drop of IN_PLACE, the final drop of TABLES' set-aside tables), a failure or a
 * cancel leaves the target exactly as it was and drops what the restore created.
 */
@ApplicationScoped
public class RestoreExecutor {
  private static final Logger LOG = Logger.getLogger(RestoreExecutor.class);

  private final RestoreRepository catalog;
  private final StoredBackups backups;
  private final TargetDatabases targets;
  private final EventPublisher events;
  private final ArchiveRestore archiveRestore;
  private final SafetyBackups safety;
  private final RestoreMetrics metrics;
  private final RestoreConfig config;
  private final ObjectMapper json;
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "restore-cancel-watch");
            t.setDaemon(true);
            return t;
          });
  private final Clock clock = Clock.systemUTC();

  public RestoreExecutor(
      RestoreRepository catalog,
      StoredBackups backups,
      TargetDatabases targets,
      EventPublisher events,
      SafetyBackups safety,
      RestoreMetrics metrics,
      RestoreConfig config,
      ObjectMapper json,
      @ConfigProperty(name = "lifeboat.postgres.bin-dir") Optional<Path> binDir) {
    this.catalog = catalog;
    this.backups = backups;
    this.targets = targets;
    this.events = events;
    this.safety = safety;
    this.metrics = metrics;
    this.config = config;
    this.json = json;
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

  /** One run of one restore: its steps' states, progress and cancel watch. */
  private final class Run {
    final Restore r;
    final TargetDatabase target;
    final List<Plan.Step> steps;
    final Cancellation cancellation;
    String current;
    TableSwap.SetAside setAside;

    Run(Restore r, Cancellation cancellation) {
      this.r = r;
      this.target = targets.get(r.database());
      this.steps = new ArrayList<>(r.plan().steps());
      this.cancellation = cancellation;
    }

    void begin(String name) {
      current = name;
      set(name, "RUNNING");
      int index = indexOf(name);
      int percent = steps.isEmpty() ? 0 : Math.max(0, index) * 100 / steps.size();
      events
          .publish(
              EventType.RESTORE_PROGRESS,
              r.correlationId(),
              new RestoreEvents.Progress(r.restoreId(), r.database(), name, percent, 0, 0))
          .await()
          .indefinitely();
    }

    void done() {
      set(current, "DONE");
    }

    void set(String name, String state) {
      int index = indexOf(name);
      if (index >= 0) {
        Plan.Step step = steps.get(index);
        steps.set(index, new Plan.Step(step.name(), step.description(), state));
        catalog.steps(r.restoreId(), steps).await().indefinitely();
      }
    }

    int indexOf(String name) {
      for (int i = 0; i < steps.size(); i++) {
        if (steps.get(i).name().equals(name)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Runs the restore; true once it completed, failed or was cancelled for good. */
  public boolean execute(Restore confirmed) {
    Restore r = catalog.start(confirmed.restoreId()).await().indefinitely().orElse(null);
    if (r == null) {
      return true; // cancelled meanwhile
    }
    if (confirmed.status() == RestoreStatus.RUNNING && recovered(r)) {
      return true;
    }
    Instant started = clock.instant();
    events
        .publish(
            EventType.RESTORE_STARTED,
            r.correlationId(),
            new RestoreEvents.Started(r.restoreId(), r.backupId(), r.database(), r.mode()))
        .await()
        .indefinitely();
    try (Cancellation cancellation =
        new Cancellation(r.restoreId(), catalog, watcher, config.cancelPollInterval().toMillis())) {
      Run run = new Run(r, cancellation);
      try {
        run(run);
        Duration took = Duration.between(started, clock.instant());
        String undo = r.mode() == Mode.SWAP ? keptName(r) : null;
        catalog
            .complete(
                r.restoreId(), "restored in " + took.toSeconds() + " s", clock.instant(), undo)
            .await()
            .indefinitely();
        events
            .publish(
                EventType.RESTORE_COMPLETED,
                r.correlationId(),
                new RestoreEvents.Completed(
                    r.restoreId(), r.backupId(), r.database(), took.toMillis(), r.mode()))
            .await()
            .indefinitely();
        metrics.completed(r.database(), r.mode(), took);
        LOG.infof("restore %s of %s completed in %s", r.restoreId(), r.database(), took);
      } catch (Cancellation.Cancelled e) {
        cleanUp(run);
        if (run.current != null) {
          run.set(run.current, "CANCELLED");
        }
        catalog.cancelled(r.restoreId(), e.getMessage(), clock.instant()).await().indefinitely();
        events
            .publish(
                EventType.RESTORE_CANCELLED,
                r.correlationId(),
                new RestoreEvents.Cancelled(
                    r.restoreId(),
                    r.database(),
                    e.getMessage().substring("cancelled by ".length())))
            .await()
            .indefinitely();
        LOG.infof(
            "restore %s of %s %s; the target is as it was",
            r.restoreId(), r.database(), e.getMessage());
      } catch (Exception e) {
        // A pg_restore ended by a cancel fails (its exit status, a broken pipe): the cancel counts.
        if (cancellation.requested() && !passedPointOfNoReturn(r)) {
          cleanUp(run);
          if (run.current != null) {
            run.set(run.current, "CANCELLED");
          }
          String by = catalog.cancelRequestedBy(r.restoreId()).await().indefinitely().orElse("?");
          catalog
              .cancelled(r.restoreId(), "cancelled by " + by, clock.instant())
              .await()
              .indefinitely();
          events
              .publish(
                  EventType.RESTORE_CANCELLED,
                  r.correlationId(),
                  new RestoreEvents.Cancelled(r.restoreId(), r.database(), by))
              .await()
              .indefinitely();
          return true;
        }
        String reason =
            e instanceof StepFailure
                ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.warnf(
            "restore %s of %s failed at %s: %s", r.restoreId(), r.database(), run.current, reason);
        cleanUp(run);
        if (run.current != null) {
          run.set(run.current, "FAILED");
        }
        if (r.mode() == Mode.IN_PLACE && passedPointOfNoReturn(r)) {
          reason +=
              "; "
                  + r.database()
                  + " had been dropped: restore the safety backup "
                  + Optional.ofNullable(
                          catalog
                              .find(r.restoreId())
                              .await()
                              .indefinitely()
                              .map(x -> x.execution().safetyBackupId())
                              .orElse(null))
                      .orElse("(none)");
        }
        catalog.fail(r.restoreId(), reason, clock.instant()).await().indefinitely();
        metrics.failed(r.database());
        events
            .publish(
                EventType.RESTORE_FAILED,
                r.correlationId(),
                new RestoreEvents.Failed(
                    r.restoreId(), r.backupId(), r.database(), run.current, reason))
            .await()
            .indefinitely();
      }
      return true;
    }
  }

  private boolean passedPointOfNoReturn(Restore r) {
    return catalog
        .find(r.restoreId())
        .await()
        .indefinitely()
        .map(x -> x.execution().pointOfNoReturn())
        .orElse(false);
  }

  private void run(Run run) throws Exception {
    Restore r = run.r;
    Manifest manifest =
        backups
            .manifest(r.database(), r.backupId())
            .orElseThrow(() -> new StepFailure("backup " + r.backupId() + " no longer exists"));
    run.begin("verify-checksum");
    verifyChecksum(manifest);
    run.done();
    run.cancellation.check();
    if (r.safetyBackup()) {
      run.begin("safety-backup");
      safetyBackup(run);
      run.done();
    }
    run.cancellation.check();
    // Backups of this database hold its lock shared: the restore waits for them, and later
    // backups wait for the restore. The safety backup has finished by now.
    DatabaseLocks.Lease lock = lock(run);
    try (lock) {
      switch (r.mode()) {
        case SWAP -> swap(run, manifest);
        case NEW_DATABASE -> newDatabase(run, manifest);
        case IN_PLACE -> inPlace(run, manifest);
        case TABLES -> tables(run, manifest);
        default -> throw new StepFailure("unknown mode " + r.mode());
      }
    }
    // health-service checks the database when it sees restore.completed.
    run.set("health-check", "REQUESTED");
  }

  private DatabaseLocks.Lease lock(Run run) throws StepFailure {
    try {
      return DatabaseLocks.exclusive(run.target, config.lockWait());
    } catch (SQLException e) {
      throw new StepFailure(
          "cannot take the lock that keeps backups away: "
              + e.getMessage()
              + "; nothing was touched");
    }
  }

  private void swap(Run run, Manifest manifest) throws Exception {
    Restore r = run.r;
    String scratch = scratchName(r);
    run.begin("restore-scratch");
    create(run.target, scratch);
    restore(run, scratch, manifest, List.of(), manifest.tables().size());
    run.done();
    run.begin("verify-rows");
    verifyRows(run.target, scratch, manifest.tables());
    run.done();
    pointOfNoReturn(run);
    run.begin("swap");
    try (TargetServer server = TargetServer.connect(run.target)) {
      server.swap(r.database(), scratch, keptName(r));
    }
    run.done();
  }

  private void newDatabase(Run run, Manifest manifest) throws Exception {
    run.begin("restore-new-database");
    create(run.target, run.r.newDatabase());
    restore(run, run.r.newDatabase(), manifest, List.of(), manifest.tables().size());
    run.done();
    run.begin("verify-rows");
    verifyRows(run.target, run.r.newDatabase(), manifest.tables());
    run.done();
  }

  private void inPlace(Run run, Manifest manifest) throws Exception {
    pointOfNoReturn(run);
    run.begin("recreate");
    try (TargetServer server = TargetServer.connect(run.target)) {
      server.recreate(run.r.database());
    }
    run.done();
    run.begin("restore");
    restore(run, run.r.database(), manifest, List.of(), manifest.tables().size());
    run.done();
    run.begin("verify-rows");
    verifyRows(run.target, run.r.database(), manifest.tables());
    run.done();
  }

  private void tables(Run run, Manifest manifest) throws Exception {
    Restore r = run.r;
    List<TableName> chosen = r.tables().stream().map(TableName::parse).toList();
    Set<TableName> chosenSet = new HashSet<>(chosen);
    List<Manifest.Table> inManifest =
        manifest.tables().stream()
            .filter(t -> chosenSet.contains(new TableName(t.schema(), t.name())))
            .toList();
    run.begin("restore-tables");
    String toc;
    try (InputStream stored = backups.openDump(manifest)) {
      toc = archiveRestore.tableOfContents(run.target, stored);
    }
    List<String> list;
    try {
      list = TocSelection.select(toc, chosen);
    } catch (IllegalArgumentException e) {
      throw new StepFailure(e.getMessage() + "; nothing was touched");
    }
    TableSwap.SetAside aside;
    try {
      aside = TableSwap.plan(run.target, chosen, suffix(r));
    } catch (TableSwap.RefusedException e) {
      throw new StepFailure(e.getMessage() + "; nothing was touched");
    }
    run.cancellation.check();
    catalog.setAside(r.restoreId(), JsonObject.mapFrom(aside)).await().indefinitely();
    TableSwap.apply(run.target, aside);
    run.setAside = aside;
    Path listFile = Files.createTempFile("lifeboat-restore-", ".list");
    try {
      Files.writeString(listFile, String.join("\n", list) + "\n", StandardCharsets.UTF_8);
      restore(run, r.database(), manifest, List.of("--use-list=" + listFile), inManifest.size());
    } finally {
      Files.deleteIfExists(listFile);
    }
    run.done();
    run.begin("verify-rows");
    verifyRows(run.target, r.database(), inManifest);
    run.done();
    pointOfNoReturn(run);
    run.begin("swap-tables");
    try {
      TableSwap.finish(run.target, aside);
    } catch (SQLException e) {
      throw new StepFailure(
          "the restored tables do not fit the rest of the database ("
              + e.getMessage()
              + "); the tables as they were are back");
    }
    run.setAside = null;
    run.done();
  }

  /**
   * Past this point the restore cannot be cancelled. A cancel asked for first wins: the restore
   * stops here, before the change.
   */
  private void pointOfNoReturn(Run run) throws Cancellation.Cancelled {
    run.cancellation.checkNow();
    if (!catalog.passPointOfNoReturn(run.r.restoreId()).await().indefinitely()) {
      run.cancellation.checkNow();
      throw new IllegalStateException("a cancel was asked for but is not visible");
    }
  }

  private void safetyBackup(Run run) throws Exception {
    Restore r = run.r;
    Optional<SafetyBackups.Outcome> outcome = safety.outcome(r.restoreId());
    if (outcome.isEmpty() || !outcome.get().completed()) {
      // Once again after a redelivery: backup-service takes a command id once.
      safety.request(r);
      long deadline = System.nanoTime() + safety.timeout().toNanos();
      while ((outcome = safety.outcome(r.restoreId())).isEmpty()) {
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
    LOG.infof("restore %s: safety backup %s taken", r.restoreId(), outcome.get().backupId());
  }

  /** Drops what a stopped restore created, or puts the set-aside tables back. */
  private void cleanUp(Run run) {
    Restore r = run.r;
    try {
      if (r.mode() == Mode.TABLES && run.setAside != null) {
        TableSwap.putBack(run.target, run.setAside);
        return;
      }
    } catch (Exception e) {
      LOG.errorf(
          "could not put back the tables %s set aside for restore %s: %s",
          run.setAside.tables(), r.restoreId(), e.getMessage());
      return;
    }
    String leftover =
        switch (r.mode()) {
          case SWAP -> scratchName(r);
          case NEW_DATABASE -> r.newDatabase();
          default -> null;
        };
    if (leftover != null) {
      try (TargetServer server = TargetServer.connect(run.target)) {
        server.dropIfExists(leftover);
      } catch (Exception e) {
        LOG.warnf("could not drop %s after a stopped restore: %s", leftover, e.getMessage());
      }
    }
  }

  /**
   * A restore that was running when the service stopped, delivered again. If it had passed its swap
   * (the undo database exists, the set-aside tables are gone), it is complete; otherwise what it
   * had created is dropped (or the set-aside tables put back), the target being as it was, and it
   * runs again from the start. An IN_PLACE restore past its drop runs again too: the target holds
   * nothing worth keeping, and the safety backup, already taken, is not asked for again. Returns
   * true when complete.
   */
  private boolean recovered(Restore r) {
    TargetDatabase target = targets.get(r.database());
    try (TargetServer server = TargetServer.connect(target)) {
      boolean swapped =
          switch (r.mode()) {
            case SWAP -> server.exists(keptName(r));
            case TABLES -> r.execution().pointOfNoReturn() && !stillSetAside(r, target);
            default -> false;
          };
      if (swapped) {
        List<Plan.Step> steps = new ArrayList<>(r.plan().steps());
        steps.replaceAll(
            step ->
                new Plan.Step(
                    step.name(),
                    step.description(),
                    "health-check".equals(step.name()) ? "REQUESTED" : "DONE"));
        catalog.steps(r.restoreId(), steps).await().indefinitely();
        catalog
            .complete(
                r.restoreId(),
                "completed before the service restarted",
                clock.instant(),
                r.mode() == Mode.SWAP ? keptName(r) : null)
            .await()
            .indefinitely();
        events
            .publish(
                EventType.RESTORE_COMPLETED,
                r.correlationId(),
                new RestoreEvents.Completed(r.restoreId(), r.backupId(), r.database(), 0, r.mode()))
            .await()
            .indefinitely();
        LOG.infof("restore %s had swapped before the restart: complete", r.restoreId());
        return true;
      }
      switch (r.mode()) {
        case SWAP -> server.dropIfExists(scratchName(r));
        case NEW_DATABASE -> server.dropIfExists(r.newDatabase());
        case TABLES -> {
          Optional<TableSwap.SetAside> aside = setAsideOf(r);
          if (aside.isPresent() && TableSwap.isSetAside(target, aside.get())) {
            TableSwap.putBack(target, aside.get());
          }
        }
        default -> {
          // IN_PLACE: recreated and restored again from the start.
        }
      }
      if (r.mode() != Mode.IN_PLACE) {
        catalog.rerun(r.restoreId()).await().indefinitely();
      }
      LOG.infof("restore %s was interrupted before its swap; running it again", r.restoreId());
      return false;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot inspect " + r.database() + " to recover restore " + r.restoreId(), e);
    }
  }

  private boolean stillSetAside(Restore r, TargetDatabase target) {
    try {
      Optional<TableSwap.SetAside> aside = setAsideOf(r);
      return aside.isPresent() && TableSwap.isSetAside(target, aside.get());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private Optional<TableSwap.SetAside> setAsideOf(Restore r) {
    return catalog
        .setAside(r.restoreId())
        .await()
        .indefinitely()
        .map(
            value -> {
              try {
                return json.readValue(value.encode(), TableSwap.SetAside.class);
              } catch (Exception e) {
                throw new IllegalStateException("unreadable set-aside of " + r.restoreId(), e);
              }
            });
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

  private static void create(TargetDatabase target, String database) throws Exception {
    try (TargetServer server = TargetServer.connect(target)) {
      if (server.exists(database)) {
        throw new StepFailure("database " + database + " already exists");
      }
      server.createLike(database, target.database());
    }
  }

  /** Streams the archive into {@code database}, reporting progress, stoppable by a cancel. */
  private void restore(
      Run run, String database, Manifest manifest, List<String> options, int tables)
      throws Exception {
    run.cancellation.check();
    var progress =
        new ProgressTracker(
            run.r, catalog, events, config.progressInterval(), manifest.sizeBytes(), tables);
    try (InputStream stored = progress.counting(run.current, backups.openDump(manifest))) {
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
    }
    run.cancellation.check();
    progress.finished();
  }

  private static void verifyRows(
      TargetDatabase target, String database, List<Manifest.Table> tables) throws Exception {
    List<String> differences = ArchiveRestore.rowCountDifferences(target, database, tables);
    if (!differences.isEmpty()) {
      throw new StepFailure(
          "row counts differ from the manifest: " + String.join("; ", differences));
    }
  }

  @PreDestroy
  void stop() {
    watcher.shutdownNow();
  }

  private static String suffix(Restore r) {
    return r.restoreId().substring(r.restoreId().length() - 8);
  }

  /**
   * {@code <db>_lbr_<8 hex>}: PostgreSQL cuts names at 63 bytes, so the database part is shortened.
   */
  static String scratchName(Restore r) {
    return shorten(r.database(), 50) + "_lbr_" + suffix(r);
  }

  /** {@code <db>_pre_<restoreId>}, the undo kept after a swap. */
  public static String keptName(Restore r) {
    return shorten(r.database(), 63 - 5 - r.restoreId().length()) + "_pre_" + r.restoreId();
  }

  private static String shorten(String name, int max) {
    return name.length() <= max ? name : name.substring(0, max);
  }
}
