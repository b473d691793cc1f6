package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.failpoints.Failpoints;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/** NEW_DATABASE: restore into a new, marked database beside the target, which is left alone. */
@ApplicationScoped
class NewDatabaseMode implements RestoreMode {
  private static final Logger LOG = Logger.getLogger(NewDatabaseMode.class);

  private final RestoreSteps steps;

  NewDatabaseMode(RestoreSteps steps) {
    this.steps = steps;
  }

  @Override
  public void restore(RestoreRun run, Manifest manifest) throws Exception {
    String database = run.restore.newDatabase();
    run.begin("restore-new-database");
    steps.createMarked(run, database, steps.targetOwner(run));
    steps.restore(run, database, manifest, List.of(), manifest.tables().size());
    run.done();
    run.begin("verify-rows");
    Failpoints.reach("restore.new-database.before-verify");
    steps.verifyRows(run, database, manifest.tables());
    run.finished = true;
    run.done();
    // Verified and recorded as such in the steps; the restore's status is not COMPLETED yet.
    Failpoints.reach("restore.new-database.after-verify");
  }

  @Override
  public boolean recover(RestoreRun run) throws Exception {
    String database = run.restore.newDatabase();
    try (TargetServer server = TargetServer.connect(run.target)) {
      if ("DONE".equals(run.stateOf("verify-rows")) && server.isMarked(database, run.mark())) {
        return true;
      }
      server.dropIfMarked(database, run.mark());
      return false;
    }
  }

  /** Drops the new database only if this restore made it: a name already taken stays as it was. */
  @Override
  public String cleanUp(RestoreRun run) {
    String database = run.restore.newDatabase();
    try (TargetServer server = TargetServer.connect(run.target)) {
      server.dropIfMarked(database, run.mark());
    } catch (Exception e) {
      LOG.warnf("could not drop %s after a stopped restore: %s", database, e.getMessage());
    }
    return "";
  }
}
