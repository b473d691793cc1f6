package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.failpoints.Failpoints;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * SWAP: restore into a marked scratch database beside the target, verify, and swap the names in one
 * transaction. The target is untouched until the swap; after it, the old database is the undo.
 */
@ApplicationScoped
class SwapMode implements RestoreMode {
  private static final Logger LOG = Logger.getLogger(SwapMode.class);

  private final RestoreSteps steps;

  SwapMode(RestoreSteps steps) {
    this.steps = steps;
  }

  @Override
  public void restore(RestoreRun run, Manifest manifest) throws Exception {
    String scratch = run.scratchName();
    run.begin("restore-scratch");
    steps.createMarked(run, scratch, steps.targetOwner(run));
    steps.restore(run, scratch, manifest, List.of(), manifest.tables().size());
    run.done();
    run.begin("verify-rows");
    steps.verifyRows(run, scratch, manifest.tables());
    run.done();
    steps.pointOfNoReturn(run);
    run.begin("swap");
    Failpoints.reach("restore.before-swap");
    try (TargetServer server = TargetServer.connect(run.target)) {
      server.swap(run.database(), scratch, run.keptName());
    }
    run.finished = true;
    Failpoints.reach("restore.after-swap");
    run.done();
  }

  /** Swapped when the database under the target's name is the one this restore made. */
  @Override
  public boolean recover(RestoreRun run) throws Exception {
    try (TargetServer server = TargetServer.connect(run.target)) {
      if (server.isMarked(run.database(), run.mark())) {
        return true;
      }
      // Not swapped: the target is the old database, perhaps still closed to connections.
      server.allowConnections(run.database());
      server.dropIfMarkedOrUnmarked(run.scratchName(), run.mark());
      return false;
    }
  }

  @Override
  public String cleanUp(RestoreRun run) {
    try (TargetServer server = TargetServer.connect(run.target)) {
      server.dropIfMarkedOrUnmarked(run.scratchName(), run.mark());
    } catch (Exception e) {
      LOG.warnf("could not drop %s after a stopped restore: %s", run.scratchName(), e.getMessage());
    }
    return "";
  }

  @Override
  public String undoDatabase(RestoreRun run) {
    return run.keptName();
  }
}
