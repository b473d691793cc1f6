package dev.lifeboat.backup.retention;

import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.backup.storage.StorageException;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.io.IoWaits;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Applies each database's retention: after each of its backups, and daily for all of them. */
@ApplicationScoped
public class Retention {
  private static final Logger LOG = Logger.getLogger(Retention.class);

  private final BackupRepository catalog;
  private final BackupDeletion deletion;
  private final TargetDatabases targets;
  private final Clock clock = Clock.systemUTC();

  public Retention(BackupRepository catalog, BackupDeletion deletion, TargetDatabases targets) {
    this.catalog = catalog;
    this.deletion = deletion;
    this.targets = targets;
  }

  /**
   * Deletes what the database's retention no longer keeps, except backups a restore holds; returns
   * how many. Blocking.
   */
  public synchronized int apply(String database) {
    TargetDatabase target = targets.get(database);
    var decisions =
        RetentionPolicy.select(
            catalog.completed(database).await().atMost(IoWaits.LIMIT),
            target.keepLast(),
            target.maxAge(),
            clock.instant());
    int pruned = 0;
    for (var decision : decisions) {
      String backupId = decision.backup().backupId();
      try {
        if (deletion.held(decision.backup())) {
          LOG.infof("kept backup %s of %s: a restore holds it", backupId, database);
          continue;
        }
        deletion.prune(decision.backup(), decision.reason());
      } catch (StorageException e) {
        throw new IllegalStateException(
            "cannot tell whether a restore holds backup " + backupId + ": " + e.getMessage(), e);
      } catch (ClientErrorException held) {
        // A restore placed its hold after the look above.
        LOG.infof("kept backup %s of %s: %s", backupId, database, held.getMessage());
        continue;
      }
      pruned++;
      LOG.infof("pruned backup %s of %s: %s", backupId, database, decision.reason());
    }
    return pruned;
  }

  @Scheduled(
      cron = "{lifeboat.backup.retention-cron}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void daily() {
    for (String database : targets.all().keySet()) {
      try {
        apply(database);
      } catch (RuntimeException e) {
        LOG.warnf(
            "retention of %s failed, tried again at the next run: %s", database, e.getMessage());
      }
    }
  }
}
