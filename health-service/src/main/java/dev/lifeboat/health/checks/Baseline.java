package dev.lifeboat.health.checks;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.databases.TableName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a check compares the database with: a backup's manifest (tables, exact row counts) and, when
 * its dump could be read, the columns of each table.
 *
 * @param columns empty when the dump's table of contents could not be read
 * @param columnsUnavailable why, when {@code columns} is empty
 */
public record Baseline(
    Manifest manifest, Optional<Map<TableName, List<String>>> columns, String columnsUnavailable) {

  public String backupId() {
    return manifest.backupId();
  }
}
