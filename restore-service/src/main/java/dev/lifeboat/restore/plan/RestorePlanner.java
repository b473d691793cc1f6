package dev.lifeboat.restore.plan;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.events.RestoreEvents.Mode;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.tables.TableSwap;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a restore request into a plan: the steps for its mode, and the data-loss warning (for every
 * table, its rows now against its rows in the backup), so that a responder sees "orders: 10 412
 * now, 10 388 in backup" before confirming anything.
 */
@ApplicationScoped
public class RestorePlanner {
  private static final long FIXED_SECONDS = 5;

  private final LiveRowCounts live;
  private final RestoreConfig config;
  private final RestoreRepository catalog;

  public RestorePlanner(LiveRowCounts live, RestoreConfig config, RestoreRepository catalog) {
    this.live = live;
    this.config = config;
    this.catalog = catalog;
  }

  /** The tables a TABLES restore names, checked against the backup; empty for other modes. */
  public List<TableName> selectedTables(RestoreRequest request, Manifest manifest) {
    Mode mode = request.modeOrDefault();
    List<String> requested = request.tables() == null ? List.of() : request.tables();
    if (mode != Mode.TABLES) {
      if (!requested.isEmpty()) {
        throw new BadRequestException("tables are only for mode TABLES, not " + mode);
      }
      return List.of();
    }
    if (requested.isEmpty()) {
      throw new BadRequestException("mode TABLES needs the tables to restore");
    }
    var inBackup = new TreeSet<TableName>();
    manifest.tables().forEach(t -> inBackup.add(new TableName(t.schema(), t.name())));
    List<TableName> selected = new ArrayList<>();
    for (String table : requested) {
      TableName name = TableName.parse(table);
      if (!inBackup.contains(name)) {
        throw new BadRequestException("table " + name + " is not in backup " + manifest.backupId());
      }
      selected.add(name);
    }
    return selected;
  }

  /** Checks what only the request can get wrong, before anything is read. */
  public void check(RestoreRequest request) {
    Mode mode = request.modeOrDefault();
    if (mode == Mode.NEW_DATABASE) {
      if (request.newDatabase() == null) {
        throw new BadRequestException("mode NEW_DATABASE needs newDatabase");
      }
      if (request.newDatabase().equals(request.database())) {
        throw new BadRequestException("newDatabase must differ from the database restored from");
      }
    } else if (request.newDatabase() != null) {
      throw new BadRequestException("newDatabase is only for mode NEW_DATABASE, not " + mode);
    }
  }

  public Plan plan(RestoreRequest request, Manifest manifest, TargetDatabase target, Instant now)
      throws SQLException {
    List<TableName> selected = selectedTables(request, manifest);
    if (!selected.isEmpty()) {
      List<String> usedByViews = TableSwap.usedByViews(target, selected);
      if (!usedByViews.isEmpty()) {
        throw new BadRequestException(
            String.join("; ", usedByViews)
                + ": a table that views use cannot be restored alone; restore the whole database"
                + " (SWAP) instead");
      }
    }
    Map<TableName, Long> rowsNow = live.count(target);
    Map<TableName, Plan.TableRows> rows = new TreeMap<>();
    for (Manifest.Table t : manifest.tables()) {
      TableName name = new TableName(t.schema(), t.name());
      rows.put(name, new Plan.TableRows(t.schema(), t.name(), rowsNow.get(name), t.rows()));
    }
    rowsNow.forEach(
        (name, count) ->
            rows.putIfAbsent(name, new Plan.TableRows(name.schema(), name.name(), count, null)));
    if (!selected.isEmpty()) {
      rows.keySet().retainAll(selected);
    }
    long seconds = Math.max(0, Duration.between(manifest.createdAt(), now).toSeconds());
    var dataLoss = new Plan.DataLoss(manifest.createdAt(), seconds, List.copyOf(rows.values()));
    long estimate =
        FIXED_SECONDS + manifest.dumpBytes() / Math.max(1, config.estimateBytesPerSecond());
    return new Plan(steps(request, target), dataLoss, estimate, warnings(manifest));
  }

  /** What health-service found wrong with the backup, if it did. */
  private List<String> warnings(Manifest manifest) {
    return catalog
        .verification(manifest.backupId())
        .await()
        .indefinitely()
        .filter(v -> !v.verified())
        .map(
            v ->
                List.of(
                    "backup "
                        + manifest.backupId()
                        + " failed verification "
                        + v.verificationId()
                        + " at "
                        + v.at()
                        + (v.reason() == null ? "" : ": " + v.reason())
                        + "; it may not restore, consider an older backup"))
        .orElse(List.of());
  }

  private static List<Plan.Step> steps(RestoreRequest request, TargetDatabase target) {
    String db = target.name();
    List<Plan.Step> steps = new ArrayList<>();
    steps.add(
        Plan.Step.pending(
            "verify-checksum",
            "check the stored backup's SHA-256 against its manifest, before touching anything"));
    if (request.safetyBackupOrDefault()) {
      steps.add(
          Plan.Step.pending(
              "safety-backup", "back up " + db + " as it is now (label pre-restore)"));
    }
    switch (request.modeOrDefault()) {
      case SWAP -> {
        steps.add(
            Plan.Step.pending(
                "restore-scratch", "restore the backup into a scratch database beside " + db));
        steps.add(Plan.Step.pending("verify-rows", "compare every table's rows with the manifest"));
        steps.add(
            Plan.Step.pending(
                "swap",
                "block connections to "
                    + db
                    + ", end the remaining ones, rename "
                    + db
                    + " to "
                    + db
                    + "_pre_<restoreId> (kept as the undo) and the scratch database to "
                    + db));
      }
      case NEW_DATABASE -> {
        steps.add(
            Plan.Step.pending(
                "restore-new-database",
                "restore the backup into " + request.newDatabase() + "; " + db + " is left alone"));
        steps.add(Plan.Step.pending("verify-rows", "compare every table's rows with the manifest"));
      }
      case IN_PLACE -> {
        steps.add(
            Plan.Step.pending("recreate", "end connections to " + db + ", drop and recreate it"));
        steps.add(Plan.Step.pending("restore", "restore the backup into " + db));
        steps.add(Plan.Step.pending("verify-rows", "compare every table's rows with the manifest"));
      }
      case TABLES -> {
        steps.add(
            Plan.Step.pending(
                "restore-tables",
                "rename the listed tables aside (<table>_lbr_<8 hex>) and restore them from the"
                    + " backup with their indexes, constraints and sequences"));
        steps.add(Plan.Step.pending("verify-rows", "compare the tables' rows with the manifest"));
        steps.add(
            Plan.Step.pending(
                "swap-tables",
                "put other tables' foreign keys back onto the restored tables and drop the"
                    + " set-aside ones (on any failure before, they are put back)"));
      }
      default -> throw new IllegalStateException("unknown mode");
    }
    steps.add(
        Plan.Step.pending("health-check", "ask health-service to check the restored database"));
    return List.copyOf(steps);
  }
}
