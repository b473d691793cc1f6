package dev.lifeboat.cli.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.output.Units;
import java.time.Instant;

/** Reading the fields of a backup as backup-service's API shows it. */
final class Backups {
  private Backups() {}

  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? null : value.asText();
  }

  /** When the backup's snapshot was taken, or else when it was requested. */
  static Instant takenAt(JsonNode backup) {
    Instant created = Units.instant(text(backup, "createdAt"));
    return created != null ? created : Units.instant(text(backup, "requestedAt"));
  }

  static Long rows(JsonNode backup) {
    JsonNode tables = backup.path("tables");
    if (!tables.isArray()) {
      return null;
    }
    long rows = 0;
    for (JsonNode table : tables) {
      rows += table.path("rows").asLong();
    }
    return rows;
  }

  static Long number(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isNumber() ? value.asLong() : null;
  }
}
