package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.events.RestoreEvents.Mode;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.work.WorkerThreads;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * Runs a confirmed restore on a worker thread: check the backup, take the safety backup, then the
 * mode's steps under the database's lock, then one outcome. Before the mode's final act (the swap
 * of SWAP, the last verification of NEW_DATABASE and IN_PLACE, the drop of TABLES' set-aside
 * tables), a failure or a cancel undoes what the restore made; after it, the restore is done and no
 * error undoes it.
 */
@ApplicationScoped
public class RestoreExecutor {
  private static final Logger LOG = Logger.getLogger(RestoreExecutor.class);

  /** How long a finished restore keeps trying to record its outcome before it gives up. */
  private static final Duration RECORD_FOR = Duration.ofMinutes(5);

  private final RestoreRepository catalog;
  private final TargetDatabases targets;
  private final EventPublisher events;
  private final RestoreSteps steps;
  private final RestoreOutcomes outcomes;
  private final RestoreRecovery recovery;
  private final RunLocks runLocks;
  private final RestoreConfig config;
  private final SwapMode swap;
  private final NewDatabaseMode newDatabase;
  private final InPlaceMode inPlace;
  private final TablesMode tables;
  private final ScheduledExecutorService watcher = WorkerThreads.scheduled("restore-cancel-watch");

  RestoreExecutor(
      RestoreRepository catalog,
      TargetDatabases targets,
      EventPublisher events,
      RestoreSteps steps,
      RestoreOutcomes outcomes,
      RestoreRecovery recovery,
      RunLocks runLocks,
      RestoreConfig config,
      SwapMode swap,
      NewDatabaseMode newDatabase,
      InPlaceMode inPlace,
      TablesMode tables) {
    this.catalog = catalog;
    this.targets = targets;
    this.events = events;
    this.steps = steps;
    this.outcomes = outcomes;
    this.recovery = recovery;
    this.runLocks = runLocks;
    this.config = config;
    this.swap = swap;
    this.newDatabase = newDatabase;
    this.inPlace = inPlace;
    this.tables = tables;
  }

  private RestoreMode mode(Mode mode) {
    return switch (mode) {
      case SWAP -> swap;
      case NEW_DATABASE -> newDatabase;
      case IN_PLACE -> inPlace;
      case TABLES -> tables;
    };
  }

  /**
   * Handles the command for {@code restoreId}; true once its restore has ended (and its end is
   * announced), so that the command can be acknowledged. A restore that is running (here or in
   * another replica) is waited for, never run twice; one whose runner died is recovered first.
   */
  @SuppressWarnings("try") // the lock is held, not used
  public boolean execute(String restoreId) throws InterruptedException {
    try (RunLocks.Held held = awaitRunLock(restoreId)) {
      Restore r = catalog.find(restoreId).await().atMost(IoWaits.LIMIT).orElse(null);
      if (r == null || r.status() == RestoreStatus.AWAITING_CONFIRMATION) {
        return true;
      }
      if (r.status() == RestoreStatus.COMPLETED
          || r.status() == RestoreStatus.FAILED
          || r.status() == RestoreStatus.CANCELLED) {
        outcomes.announceAgain(r);
        return true;
      }
      RestoreMode mode = mode(r.mode());
      if (r.status() == RestoreStatus.RUNNING) {
        RestoreRun probe = new RestoreRun(r, targets.get(r.database()), null, catalog, events);
        if (recovery.recover(r, probe, mode)) {
          return true;
        }
      }
      return run(r, mode);
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // The control database or the target's server is away: the command is redelivered later.
      throw new IllegalStateException(
          "cannot take over or recover restore " + restoreId + ": " + e.getMessage(), e);
    }
  }

  private RunLocks.Held awaitRunLock(String restoreId) throws SQLException, InterruptedException {
    boolean told = false;
    while (true) {
      Optional<RunLocks.Held> held = runLocks.tryTake(restoreId);
      if (held.isPresent()) {
        return held.get();
      }
      if (!told) {
        LOG.infof(
            "restore %s is running elsewhere: waiting for its end, not running it", restoreId);
        told = true;
      }
      Thread.sleep(config.cancelPollInterval().toMillis());
    }
  }

  private boolean run(Restore confirmed, RestoreMode mode) throws SQLException {
    var startedEvent =
        events.event(
            EventType.RESTORE_STARTED,
            confirmed.correlationId(),
            new RestoreEvents.Started(
                confirmed.restoreId(),
                confirmed.backupId(),
                confirmed.database(),
                confirmed.mode()));
    String restoreId = confirmed.restoreId();
    Restore r = catalog.start(restoreId, startedEvent).await().atMost(IoWaits.LIMIT).orElse(null);
    if (r == null) {
      return true; // cancelled meanwhile
    }
    Instant started = outcomes.now();
    try (Cancellation cancellation =
        new Cancellation(r.restoreId(), catalog, watcher, config.cancelPollInterval().toMillis())) {
      RestoreRun run = new RestoreRun(r, targets.get(r.database()), cancellation, catalog, events);
      DatabaseLocks.Lease lock = null;
      try {
        steps.hold(run);
        Manifest manifest = steps.manifest(r.database(), r.backupId());
        run.begin("verify-checksum");
        steps.verifyChecksum(manifest);
        run.done();
        cancellation.check();
        if (r.safetyBackup()) {
          run.begin("safety-backup");
          steps.safetyBackup(run);
          run.done();
        }
        cancellation.check();
        // The safety backup, which holds the lock shared, has finished by now.
        lock = steps.lock(run);
        mode.restore(run, manifest);
      } catch (Exception e) {
        if (!run.finished) {
          stopped(run, mode, e);
          steps.release(r);
          return true;
        }
        LOG.warnf(e, "restore %s finished, then: %s", restoreId, e.getMessage());
      } finally {
        if (lock != null) {
          lock.close();
        }
      }
      recordFinished(run, mode, Duration.between(started, outcomes.now()));
      steps.release(r);
      return true;
    }
  }

  /**
   * A finished restore is complete, whatever fails while that is written down: the control database
   * away for a while is waited for, and if it stays away the command is redelivered and recovery
   * finds the restore finished on the server.
   */
  private void recordFinished(RestoreRun run, RestoreMode mode, Duration took) {
    long deadline = System.nanoTime() + RECORD_FOR.toNanos();
    for (long pause = 500; ; pause = Math.min(pause * 2, 15_000)) {
      try {
        run.set("health-check", "REQUESTED"); // health-service checks it on restore.completed
        outcomes.completed(
            run.restore, "restored in " + took.toSeconds() + " s", took, mode.undoDatabase(run));
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        LOG.warnf(
            "restore %s finished but its outcome is not recorded yet (%s); trying again",
            run.id(), e.getMessage());
        sleep(pause);
      }
    }
  }

  /** Stopped before its final act: what it made is undone, then the one ending is recorded. */
  private void stopped(RestoreRun run, RestoreMode mode, Exception e) {
    Restore r = run.restore;
    // A pg_restore ended by a cancel fails (its exit status, a broken pipe): the cancel counts.
    boolean cancelled =
        e instanceof Cancellation.Cancelled
            || (run.cancellation.requested() && !pastPointOfNoReturn(r));
    String left = mode.cleanUp(run);
    run.end(cancelled ? "CANCELLED" : "FAILED");
    if (cancelled) {
      String by =
          catalog.cancelRequestedBy(r.restoreId()).await().atMost(IoWaits.LIMIT).orElse("?");
      outcomes.cancelled(r, by);
      return;
    }
    String reason =
        e instanceof StepFailure
            ? e.getMessage()
            : e.getClass().getSimpleName() + ": " + e.getMessage();
    outcomes.failed(r, run.current(), reason + left);
  }

  private boolean pastPointOfNoReturn(Restore r) {
    return catalog
        .find(r.restoreId())
        .await()
        .atMost(IoWaits.LIMIT)
        .map(x -> x.execution().pointOfNoReturn())
        .orElse(false);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording a finished restore", e);
    }
  }

  @PreDestroy
  void stop() {
    watcher.shutdownNow();
  }
}
