package dev.lifeboat.backup.retention;

import dev.lifeboat.archive.storage.ObjectKeys;
import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.backup.catalog.BackupStatus;
import dev.lifeboat.backup.storage.BackupStore;
import dev.lifeboat.backup.storage.StorageException;
import dev.lifeboat.common.databases.TargetDatabases;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Removes what interrupted backups left in the bucket: a backup's objects without a manifest
 * (which, by definition, is no backup) whose backup failed, was deleted or is unknown to the
 * catalog, and incomplete multipart uploads. Runs shortly after start-up and then every few hours.
 * A backup a restore holds ({@code .../holds/<holder>}) is left alone.
 */
@ApplicationScoped
public class LeftoverSweep {
  private static final Logger LOG = Logger.getLogger(LeftoverSweep.class);

  private final BackupStore store;
  private final BackupRepository catalog;
  private final TargetDatabases targets;

  public LeftoverSweep(BackupStore store, BackupRepository catalog, TargetDatabases targets) {
    this.store = store;
    this.catalog = catalog;
    this.targets = targets;
  }

  @Scheduled(
      delayed = "20s",
      every = "6h",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    for (String database : targets.all().keySet()) {
      try {
        sweep(database);
      } catch (StorageException | RuntimeException e) {
        LOG.warnf("could not sweep leftovers of %s: %s", database, e.getMessage());
      }
    }
  }

  /** Returns the backup ids whose leftovers were removed. */
  public Set<String> sweep(String database) throws StorageException {
    Set<String> withObjects = new TreeSet<>();
    Set<String> withManifest = new TreeSet<>();
    Set<String> held = new TreeSet<>();
    for (String key : store.list(database + "/")) {
      String[] parts = key.split("/");
      if (parts.length == 3) {
        withObjects.add(parts[1]);
        if ("manifest.json".equals(parts[2])) {
          withManifest.add(parts[1]);
        }
      } else if (parts.length == 4 && "holds".equals(parts[2])) {
        held.add(parts[1]);
      }
    }
    withObjects.removeAll(withManifest);
    // What a restore holds is never swept; its holder releases it.
    withObjects.removeAll(held);
    Set<String> removed = new TreeSet<>();
    for (String backupId : withObjects) {
      // Only a failed, deleted or unknown backup leaves leftovers. A running one is being
      // written; a completed one wrote its manifest after the listing above, so the manifest is
      // looked for again right before anything is removed.
      boolean leftover =
          catalog
              .find(backupId)
              .await()
              .indefinitely()
              .map(b -> b.status() == BackupStatus.FAILED || b.status() == BackupStatus.DELETED)
              .orElse(true);
      if (leftover && store.read(ObjectKeys.manifest(database, backupId)).isEmpty()) {
        store.removeLeftovers(ObjectKeys.prefix(database, backupId));
        removed.add(backupId);
        LOG.infof("removed the leftovers of backup %s of %s (no manifest)", backupId, database);
      }
    }
    return removed;
  }
}
