package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.common.events.RestoreEvents.Mode;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * A restore the catalog calls RUNNING whose runner is gone (its command redelivered after a crash,
 * its run lock free). What happened is read from the target's server, under the database's lock:
 * the mode finds its own marks. A finished restore is recorded as complete; otherwise the server is
 * left ready for the restore to run again.
 */
@ApplicationScoped
class RestoreRecovery {
  private static final Logger LOG = Logger.getLogger(RestoreRecovery.class);

  private final RestoreRepository catalog;
  private final RestoreOutcomes outcomes;
  private final RestoreConfig config;
  private final RestoreSteps steps;

  RestoreRecovery(
      RestoreRepository catalog,
      RestoreOutcomes outcomes,
      RestoreConfig config,
      RestoreSteps steps) {
    this.steps = steps;
    this.catalog = catalog;
    this.outcomes = outcomes;
    this.config = config;
  }

  /** True when the restore had finished and is now recorded complete. */
  @SuppressWarnings("try") // the lock is held, not used
  boolean recover(Restore r, RestoreRun run, RestoreMode mode) throws Exception {
    try (DatabaseLocks.Lease lock = DatabaseLocks.exclusive(run.target, config.lockWait())) {
      if (mode.recover(run)) {
        run.allDone();
        Duration took =
            r.confirmedAt() == null
                ? Duration.ZERO
                : Duration.between(r.confirmedAt(), outcomes.now());
        outcomes.completed(
            r, "completed before the service restarted", took, mode.undoDatabase(run));
        steps.release(r);
        return true;
      }
    }
    // An in-place restore past its drop keeps its point of no return: it cannot be cancelled now.
    if (!(r.mode() == Mode.IN_PLACE && r.execution().pointOfNoReturn())) {
      catalog.rerun(r.restoreId()).await().atMost(IoWaits.LIMIT);
    }
    LOG.infof("restore %s was interrupted before it finished; running it again", r.restoreId());
    return false;
  }
}
