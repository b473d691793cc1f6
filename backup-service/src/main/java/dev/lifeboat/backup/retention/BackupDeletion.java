package dev.lifeboat.backup.retention;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.storage.ObjectKeys;
import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.backup.catalog.BackupStatus;
import dev.lifeboat.backup.storage.BackupStore;
import dev.lifeboat.backup.storage.StorageException;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Pins and deletes backups, for the API and for retention. Blocking: runs on worker threads. */
@ApplicationScoped
public class BackupDeletion {
  private final BackupRepository catalog;
  private final BackupStore store;
  private final EventPublisher events;
  private final ObjectMapper json;
  private final Clock clock = Clock.systemUTC();

  public BackupDeletion(
      BackupRepository catalog, BackupStore store, EventPublisher events, ObjectMapper json) {
    this.catalog = catalog;
    this.store = store;
    this.events = events;
    this.json = json;
  }

  /** Sets or clears the pin, in the catalog and in the stored manifest. */
  public Backup pin(String backupId, boolean pinned) {
    Backup backup = existing(backupId);
    if (backup.status() != BackupStatus.COMPLETED) {
      throw conflict(
          "backup "
              + backupId
              + " is "
              + backup.status()
              + "; only completed backups can be pinned");
    }
    Backup updated =
        catalog.setPinned(backupId, pinned).await().atMost(IoWaits.LIMIT).orElseThrow();
    try {
      store.put(
          ObjectKeys.manifest(updated.database(), backupId),
          json.writerWithDefaultPrettyPrinter().writeValueAsBytes(updated.manifest()),
          "application/json");
    } catch (StorageException | JsonProcessingException e) {
      catalog.setPinned(backupId, !pinned).await().atMost(IoWaits.LIMIT);
      throw new IllegalStateException(
          "could not update the manifest of " + backupId + ": " + e.getMessage(), e);
    }
    return updated;
  }

  /** Deletes a backup on request: 409 while pinned, unfinished or held by a restore. */
  public void delete(String backupId, String reason) {
    Backup backup = existing(backupId);
    if (backup.pinned()) {
      throw conflict("backup " + backupId + " is pinned; unpin it before deleting it");
    }
    if (!backup.status().finished()) {
      throw conflict(
          "backup " + backupId + " is " + backup.status() + "; wait until it has finished");
    }
    prune(backup, reason);
  }

  /**
   * Removes the backup's objects, manifest first so that it stops existing before its dump goes,
   * and records the deletion with its {@code backup.pruned} event. A backup a restore holds is not
   * touched: 409.
   *
   * <p>A restore places its hold, then reads the manifest; this deletes the manifest, then looks
   * for holds again. Whichever comes second sees the other: the restore finds no manifest, or this
   * finds the hold and puts the manifest back.
   */
  public void prune(Backup backup, String reason) {
    String database = backup.database();
    String id = backup.backupId();
    String manifestKey = ObjectKeys.manifest(database, id);
    try {
      refuseWhileHeld(database, id);
      Optional<byte[]> manifest = store.read(manifestKey);
      store.delete(manifestKey);
      try {
        refuseWhileHeld(database, id);
      } catch (ClientErrorException held) {
        if (manifest.isPresent()) {
          store.put(manifestKey, manifest.get(), "application/json");
        }
        throw held;
      }
      store.removeLeftovers(ObjectKeys.prefix(database, id));
    } catch (StorageException e) {
      throw new IllegalStateException("could not delete backup " + id + ": " + e.getMessage(), e);
    }
    catalog
        .markDeleted(
            id,
            reason,
            clock.instant(),
            events.event(
                EventType.BACKUP_PRUNED,
                backup.correlationId(),
                new BackupEvents.Pruned(id, database, reason)))
        .await()
        .indefinitely();
  }

  /** Whether a restore holds the backup: retention leaves such a backup alone. */
  public boolean held(Backup backup) throws StorageException {
    return !store.holders(backup.database(), backup.backupId()).isEmpty();
  }

  private void refuseWhileHeld(String database, String backupId) throws StorageException {
    List<String> holders = store.holders(database, backupId);
    if (!holders.isEmpty()) {
      throw conflict("backup is in use by restore " + String.join(", ", holders));
    }
  }

  private Backup existing(String backupId) {
    return Backup.existing(catalog.find(backupId).await().atMost(IoWaits.LIMIT), backupId);
  }

  private static ClientErrorException conflict(String message) {
    return new ClientErrorException(message, Response.Status.CONFLICT);
  }
}
