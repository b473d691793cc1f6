package dev.lifeboat.backup.metrics;

import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.common.databases.TargetDatabases;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Sets {@code lifeboat_last_successful_backup_timestamp_seconds} from the catalog at start-up: a
 * restarted service must not look as if no backup had ever succeeded.
 */
@ApplicationScoped
public class LastBackupGauges {
  private static final Logger LOG = Logger.getLogger(LastBackupGauges.class);

  void load(
      @Observes StartupEvent startup,
      BackupRepository catalog,
      TargetDatabases targets,
      BackupMetrics metrics) {
    for (String database : targets.all().keySet()) {
      catalog
          .completed(database)
          .subscribe()
          .with(
              backups ->
                  backups.stream()
                      .filter(b -> b.completedAt() != null)
                      .findFirst()
                      .ifPresent(newest -> metrics.lastSuccessAt(database, newest.completedAt())),
              e -> LOG.warnf("could not read the last backup of %s: %s", database, e.getMessage()));
    }
  }
}
