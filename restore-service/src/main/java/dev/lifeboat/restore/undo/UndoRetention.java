package dev.lifeboat.restore.undo;

import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.databases.UnknownDatabaseException;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.RestoreRepository;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Drops the {@code <db>_pre_<restoreId>} databases that SWAP restores kept as the instant undo once
 * they are older than {@code lifeboat.restore.undo.keep-for}, or beyond the newest {@code
 * keep-last} of their database.
 */
@ApplicationScoped
public class UndoRetention {
  private static final Logger LOG = Logger.getLogger(UndoRetention.class);

  private final RestoreRepository catalog;
  private final TargetDatabases targets;
  private final RestoreConfig config;
  private final Clock clock = Clock.systemUTC();

  public UndoRetention(RestoreRepository catalog, TargetDatabases targets, RestoreConfig config) {
    this.catalog = catalog;
    this.targets = targets;
    this.config = config;
  }

  @Scheduled(
      every = "${lifeboat.restore.undo.check-every:1h}",
      delayed = "${lifeboat.restore.undo.check-delay:5m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scheduled() {
    apply();
  }

  /** Drops the expired undos now; returns the databases dropped. */
  public List<String> apply() {
    Instant now = clock.instant();
    Instant oldest = now.minus(config.undo().keepFor());
    Map<String, Integer> seen = new HashMap<>();
    List<String> dropped = new ArrayList<>();
    for (var undo : catalog.keptUndos().await().atMost(IoWaits.LIMIT)) {
      int newer = seen.merge(undo.database(), 1, Integer::sum) - 1;
      boolean expired = undo.finishedAt() == null || undo.finishedAt().isBefore(oldest);
      if (!expired && newer < config.undo().keepLast()) {
        continue;
      }
      try (TargetServer server = TargetServer.connect(targets.get(undo.database()))) {
        server.dropIfExists(undo.undoDatabase());
        catalog.undoDropped(undo.restoreId(), now).await().atMost(IoWaits.LIMIT);
        dropped.add(undo.undoDatabase());
        LOG.infof(
            "dropped %s, the undo of restore %s (%s)",
            undo.undoDatabase(),
            undo.restoreId(),
            expired ? "older than " + config.undo().keepFor() : newer + " newer undos kept");
      } catch (UnknownDatabaseException e) {
        LOG.debugf("%s is no longer configured: its undo stays", undo.database());
      } catch (Exception e) {
        LOG.warnf("could not drop undo %s: %s", undo.undoDatabase(), e.getMessage());
      }
    }
    return dropped;
  }
}
