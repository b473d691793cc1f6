package dev.lifeboat.backup.retention;

import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
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

  /** Deletes what the database's retention no longer keeps; returns how many. Blocking. */
  public synchronized int apply(String database) {
    TargetDatabase target = targets.get(database);
    var decisions =
        RetentionPolicy.select(
            catalog.completed(database).await().indefinitely(),
            target.keepLast(),
            target.maxAge(),
            clock.instant());
    for (var decision : decisions) {
      deletion.prune(decision.backup(), decision.reason());
      LOG.infof(
          "pruned backup %s of %s: %s", decision.backup().backupId(), database, decision.reason());
    }
    return decisions.size();
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
