package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.server.DerivedNames;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.plan.Plan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One run of one restore: the restore, the server it acts on, its steps' states and its cancel
 * watch. Every database operation names the database of the target's URL ({@link #database()}),
 * never the logical name a request uses: the two differ whenever the configuration says so.
 */
final class RestoreRun {
  private static final Logger LOG = Logger.getLogger(RestoreRun.class);
  private static final Duration PROGRESS_WAIT = Duration.ofSeconds(5);

  final Restore restore;
  final TargetDatabase target;
  final Cancellation cancellation;
  private final List<Plan.Step> steps;
  private final RestoreRepository catalog;
  private final EventPublisher events;
  private String current;
  private long stepStarted;

  /**
   * Set by a mode at its final act (the swap's commit, the last verification): from then on the
   * restore is done whatever fails next, and nothing it made may be undone.
   */
  boolean finished;

  /** Set by a mode when it changes the target itself before its final act (IN_PLACE's drop). */
  boolean targetChanged;

  RestoreRun(
      Restore restore,
      TargetDatabase target,
      Cancellation cancellation,
      RestoreRepository catalog,
      EventPublisher events) {
    this.restore = restore;
    this.target = target;
    this.cancellation = cancellation;
    this.steps = new ArrayList<>(restore.plan().steps());
    this.catalog = catalog;
    this.events = events;
  }

  String id() {
    return restore.restoreId();
  }

  /** The target's database on its server, as the URL names it. */
  String database() {
    return target.database();
  }

  /** What marks the databases this restore creates ({@link TargetServer#mark}). */
  String mark() {
    return TargetServer.mark(restore.restoreId());
  }

  /** {@code <db>_lbr_<8 hex>}, where SWAP restores before the swap. */
  String scratchName() {
    return DerivedNames.of(database(), "lbr", suffix());
  }

  /** {@code <db>_pre_<restoreId>}, the undo kept after a swap. */
  String keptName() {
    return keptName(database(), restore.restoreId());
  }

  static String keptName(String database, String restoreId) {
    return DerivedNames.of(database, "pre", restoreId);
  }

  /** The last eight characters of the restore id, for names that must stay short. */
  String suffix() {
    return DerivedNames.shortId(restore.restoreId());
  }

  String current() {
    return current;
  }

  /** The step's state as the catalog had it when the run began (after a crash: how far it got). */
  String stateOf(String name) {
    int index = indexOf(name);
    return index < 0 ? null : steps.get(index).state();
  }

  void begin(String name) {
    current = name;
    stepStarted = System.nanoTime();
    set(name, "RUNNING");
    int index = indexOf(name);
    int percent = steps.isEmpty() ? 0 : Math.max(0, index) * 100 / steps.size();
    try {
      events
          .publish(
              EventType.RESTORE_PROGRESS,
              restore.correlationId(),
              new RestoreEvents.Progress(id(), restore.database(), name, percent, 0, 0))
          .await()
          .atMost(PROGRESS_WAIT);
    } catch (RuntimeException e) {
      // Progress is for people watching: a broker away for a while must not stop the restore.
      LOG.debugf("progress of %s not announced: %s", id(), e.getMessage());
    }
  }

  void done() {
    set(current, "DONE");
    // Where a restore's time goes, step by step, for the incident's timeline and for tuning.
    LOG.infof(
        "restore %s: %s done in %d ms",
        id(), current, (System.nanoTime() - stepStarted) / 1_000_000);
  }

  /** Marks the current step (if any) as ended in {@code state}. */
  void end(String state) {
    if (current != null) {
      set(current, state);
    }
  }

  /** Every step done, the health check asked for: how a finished restore's steps read. */
  void allDone() {
    steps.replaceAll(
        step ->
            new Plan.Step(
                step.name(),
                step.description(),
                "health-check".equals(step.name()) ? "REQUESTED" : "DONE"));
    catalog.steps(id(), steps).await().atMost(IoWaits.LIMIT);
  }

  void set(String name, String state) {
    int index = indexOf(name);
    if (index >= 0) {
      Plan.Step step = steps.get(index);
      steps.set(index, new Plan.Step(step.name(), step.description(), state));
      catalog.steps(id(), steps).await().atMost(IoWaits.LIMIT);
    }
  }

  private int indexOf(String name) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
