package dev.lifeboat.health.checks;

import dev.lifeboat.archive.ArchiveReader;
import dev.lifeboat.archive.CustomFormatScanner;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.health.HealthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Finds the backup a check compares with, and reads what it holds: the manifest for tables and row
 * counts, the head of the dump (its table of contents) for the columns.
 */
@ApplicationScoped
public class Baselines {
  private static final Logger LOG = Logger.getLogger(Baselines.class);

  private final StoredBackups backups;
  private final List<String> identities;

  public Baselines(StoredBackups backups, HealthConfig config) {
    this.backups = backups;
    this.identities = config.encryption().identities().orElse(List.of());
  }

  /** The backup's manifest, or empty when there is no such backup of the database. */
  public Optional<Manifest> find(String database, String backupId) {
    try {
      return backups.manifest(database, backupId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The database's newest backup. */
  public Optional<Manifest> latest(String database) {
    return all(database).stream().findFirst();
  }

  /** The newest backup labelled with the migration: the one taken before it ran. */
  public Optional<Manifest> beforeMigration(String database, String migration) {
    return all(database).stream().filter(m -> Objects.equals(migration, m.migration())).findFirst();
  }

  /** Every backup of the database, newest first. */
  public List<Manifest> all(String database) {
    try {
      return backups.manifests(database);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest with the columns of its dump, when they can be read. */
  public Baseline load(Manifest manifest) {
    if (manifest.encryption() != null && identities.isEmpty()) {
      return new Baseline(
          manifest,
          Optional.empty(),
          "the backup is encrypted and lifeboat.health.encryption.identities is not set");
    }
    try (InputStream stored = backups.openDump(manifest);
        InputStream plain =
            manifest.encryption() == null
                ? ArchiveReader.open(stored)
                : ArchiveReader.open(stored, identities)) {
      var columns = CustomFormatScanner.columns(plain);
      return columns.isPresent()
          ? new Baseline(manifest, columns, null)
          : new Baseline(
              manifest, Optional.empty(), "the dump's layout is not one Lifeboat can read");
    } catch (IOException | RuntimeException e) {
      LOG.warnf("cannot read the columns of backup %s: %s", manifest.backupId(), e.getMessage());
      return new Baseline(
          manifest, Optional.empty(), "its dump could not be read: " + e.getMessage());
    }
  }
}
