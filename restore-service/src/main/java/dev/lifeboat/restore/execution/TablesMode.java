package dev.lifeboat.restore.execution;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.failpoints.Failpoints;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.tables.TableSwap;
import dev.lifeboat.restore.tables.TocSelection;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * TABLES: rename the chosen tables aside (recorded in the catalog first), restore them from the
 * backup, verify, and drop the set-aside ones; before that last act, any failure puts them back.
 */
@ApplicationScoped
class TablesMode implements RestoreMode {
  private static final Logger LOG = Logger.getLogger(TablesMode.class);

  private final RestoreSteps steps;
  private final RestoreRepository catalog;
  private final ObjectMapper json;

  TablesMode(RestoreSteps steps, RestoreRepository catalog, ObjectMapper json) {
    this.steps = steps;
    this.catalog = catalog;
    this.json = json;
  }

  @Override
  public void restore(RestoreRun run, Manifest manifest) throws Exception {
    List<TableName> chosen = run.restore.tables().stream().map(TableName::parse).toList();
    Set<TableName> chosenSet = new HashSet<>(chosen);
    List<Manifest.Table> inManifest =
        manifest.tables().stream()
            .filter(t -> chosenSet.contains(new TableName(t.schema(), t.name())))
            .toList();
    run.begin("restore-tables");
    String toc;
    try (InputStream stored = steps.backups().openDump(manifest)) {
      toc = steps.archiveRestore().tableOfContents(run.target, stored);
    }
    List<String> list;
    try {
      list = TocSelection.select(toc, chosen);
    } catch (IllegalArgumentException e) {
      throw new StepFailure(e.getMessage() + "; nothing was touched");
    }
    TableSwap.SetAside aside;
    try {
      aside = TableSwap.plan(run.target, chosen, run.suffix());
    } catch (TableSwap.RefusedException e) {
      throw new StepFailure(e.getMessage() + "; nothing was touched");
    }
    run.cancellation.check();
    catalog.setAside(run.id(), JsonObject.mapFrom(aside)).await().atMost(IoWaits.LIMIT);
    TableSwap.apply(run.target, aside);
    run.targetChanged = true;
    // The chosen tables are renamed aside, committed; nothing is restored under their names yet.
    Failpoints.reach("restore.tables.after-set-aside");
    Path listFile = Files.createTempFile("lifeboat-restore-", ".list");
    try {
      Files.writeString(listFile, String.join("\n", list) + "\n", StandardCharsets.UTF_8);
      steps.restore(
          run, run.database(), manifest, List.of("--use-list=" + listFile), inManifest.size());
    } finally {
      Files.deleteIfExists(listFile);
    }
    run.done();
    run.begin("verify-rows");
    steps.verifyRows(run, run.database(), inManifest);
    run.done();
    steps.pointOfNoReturn(run);
    run.begin("swap-tables");
    // Restored and verified beside the set-aside tables, past the point of no return.
    Failpoints.reach("restore.tables.before-swap");
    try {
      TableSwap.finish(run.target, aside);
    } catch (SQLException e) {
      throw new StepFailure(
          "the restored tables do not fit the rest of the database ("
              + e.getMessage()
              + "); the tables as they were are back");
    }
    run.finished = true;
    // The set-aside tables dropped, committed; the catalog still says RUNNING.
    Failpoints.reach("restore.tables.after-swap");
    run.done();
  }

  /** Done when it had passed its point of no return and the set-aside tables are gone. */
  @Override
  public boolean recover(RestoreRun run) throws Exception {
    Optional<TableSwap.SetAside> aside = setAside(run);
    boolean setAside = aside.isPresent() && TableSwap.isSetAside(run.target, aside.get());
    if (run.restore.execution().pointOfNoReturn() && !setAside) {
      return true;
    }
    if (setAside) {
      TableSwap.putBack(run.target, aside.get());
    }
    return false;
  }

  @Override
  public String cleanUp(RestoreRun run) {
    if (!run.targetChanged) {
      return "";
    }
    try {
      Optional<TableSwap.SetAside> aside = setAside(run);
      if (aside.isPresent()) {
        TableSwap.putBack(run.target, aside.get());
      }
      return "";
    } catch (Exception e) {
      LOG.errorf(
          "could not put back the tables set aside for restore %s: %s", run.id(), e.getMessage());
      return "; the tables set aside could not be put back (" + e.getMessage() + ")";
    }
  }

  private Optional<TableSwap.SetAside> setAside(RestoreRun run) {
    return catalog
        .setAside(run.id())
        .await()
        .atMost(IoWaits.LIMIT)
        .map(
            value -> {
              try {
                return json.readValue(value.encode(), TableSwap.SetAside.class);
              } catch (Exception e) {
                throw new IllegalStateException("unreadable set-aside of " + run.id(), e);
              }
            });
  }
}
