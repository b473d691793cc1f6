package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.failpoints.Failpoints;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.restore.catalog.RestoreRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * IN_PLACE: drop the target and restore into it again, for a server without room for two copies.
 * Its owner is recorded before the drop, so that every step can run again after a crash at any
 * point; the recreated database is marked, so that recovery knows it from the original. Should the
 * restore fail once the target is gone (a damaged archive, a full disk), the safety backup is put
 * back in its place.
 */
@ApplicationScoped
class InPlaceMode implements RestoreMode {
  private static final Logger LOG = Logger.getLogger(InPlaceMode.class);

  private final RestoreSteps steps;
  private final RestoreRepository catalog;

  InPlaceMode(RestoreSteps steps, RestoreRepository catalog) {
    this.steps = steps;
    this.catalog = catalog;
  }

  @Override
  public void restore(RestoreRun run, Manifest manifest) throws Exception {
    String owner = owner(run);
    steps.pointOfNoReturn(run);
    run.begin("recreate");
    recreate(run, owner);
    run.done();
    run.begin("restore");
    steps.restore(run, run.database(), manifest, List.of(), manifest.tables().size());
    run.done();
    run.begin("verify-rows");
    steps.verifyRows(run, run.database(), manifest.tables());
    run.finished = true;
    run.done();
  }

  /** The target's owner, recorded before the first drop so that a rerun can create it again. */
  private String owner(RestoreRun run) throws Exception {
    Optional<String> recorded = catalog.targetOwner(run.id()).await().atMost(IoWaits.LIMIT);
    if (recorded.isPresent()) {
      return recorded.get();
    }
    String owner = steps.targetOwner(run);
    catalog.recordTargetOwner(run.id(), owner).await().atMost(IoWaits.LIMIT);
    return owner;
  }

  /** Drops whatever is under the target's name (the original, or a half-made earlier attempt). */
  private void recreate(RestoreRun run, String owner) throws Exception {
    try (TargetServer server = TargetServer.connect(run.target)) {
      run.targetChanged = true;
      server.dropIfExists(run.database());
      Failpoints.reach("restore.in-place.after-drop");
      server.createMarked(run.database(), owner, run.mark());
    }
  }

  @Override
  public boolean recover(RestoreRun run) throws Exception {
    if (!run.restore.execution().pointOfNoReturn()) {
      return false; // nothing was touched: it runs again from the start
    }
    try (TargetServer server = TargetServer.connect(run.target)) {
      // Otherwise it runs again from the drop, whatever a crash left under the target's name.
      return "DONE".equals(run.stateOf("verify-rows"))
          && server.isMarked(run.database(), run.mark());
    }
  }

  /** Once the target is gone, puts the safety backup in its place. */
  @Override
  public String cleanUp(RestoreRun run) {
    if (!run.targetChanged) {
      return "";
    }
    String safetyId =
        catalog
            .find(run.id())
            .await()
            .atMost(IoWaits.LIMIT)
            .map(r -> r.execution().safetyBackupId())
            .orElse(null);
    if (safetyId == null) {
      return "; "
          + run.database()
          + " had been dropped and there is no safety backup: run the restore again";
    }
    try {
      Manifest safety = steps.manifest(run.restore.database(), safetyId);
      recreate(run, owner(run));
      steps.restore(run, run.database(), safety, List.of(), safety.tables().size());
      steps.verifyRows(run, run.database(), safety.tables());
      LOG.infof(
          "restore %s: %s put back from the safety backup %s", run.id(), run.database(), safetyId);
      return "; " + run.database() + " was put back from the safety backup " + safetyId;
    } catch (Exception e) {
      LOG.errorf(
          "restore %s: putting back the safety backup %s failed: %s",
          run.id(), safetyId, e.getMessage());
      return "; "
          + run.database()
          + " had been dropped and putting back the safety backup "
          + safetyId
          + " failed ("
          + e.getMessage()
          + "): restore it by hand";
    }
  }
}
