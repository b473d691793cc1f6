package dev.lifeboat.audit.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.lifeboat.audit.store.StoredEntry;
import java.io.IOException;

/** A stored event with its {@code data} parsed, and a one-line description of what happened. */
public record LoggedEvent(StoredEntry entry, JsonNode data) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static LoggedEvent of(StoredEntry entry) {
    JsonNode data;
    try {
      data = JSON.readTree(entry.payload()).path("data");
    } catch (IOException e) {
      data = MissingNode.getInstance();
    }
    return new LoggedEvent(entry, data);
  }

  public String type() {
    return entry.type() == null ? "" : entry.type();
  }

  public String text(String field) {
    JsonNode v = data.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  public long number(String field) {
    return data.path(field).asLong(0);
  }

  /** What happened, in words. */
  public String summary() {
    String db = entry.database();
    return switch (type()) {
      case "dev.lifeboat.backup.requested" ->
          "backup of "
              + db
              + " requested"
              + by(text("requestedBy"))
              + (text("reason") != null ? " (" + text("reason") + ")" : "");
      case "dev.lifeboat.backup.started" -> "backup " + text("backupId") + " started";
      case "dev.lifeboat.backup.progress" ->
          "backup " + text("backupId") + ": " + Units.bytes(number("bytesStored")) + " stored";
      case "dev.lifeboat.backup.completed" ->
          "backup "
              + text("backupId")
              + " completed: "
              + Units.bytes(number("sizeBytes"))
              + " in "
              + Units.duration(number("durationMillis"))
              + ", "
              + number("tables")
              + " tables";
      case "dev.lifeboat.backup.failed" ->
          "backup " + text("backupId") + " failed: " + text("reason");
      case "dev.lifeboat.backup.pruned" ->
          "backup " + text("backupId") + " pruned: " + text("reason");
      case "dev.lifeboat.backup.verified" ->
          "backup "
              + text("backupId")
              + " verified"
              + (data.has("drill") && !data.get("drill").isNull()
                  ? " (restore drill: restored "
                      + data.path("drill").path("restored").asBoolean()
                      + ", row counts match "
                      + data.path("drill").path("rowCountsMatch").asBoolean()
                      + ")"
                  : " (checksum)");
      case "dev.lifeboat.backup.verification-failed" ->
          "verification of backup " + text("backupId") + " failed: " + text("reason");
      case "dev.lifeboat.health.checked" ->
          "health check "
              + text("checkId")
              + ": "
              + text("status")
              + " ("
              + number("findings")
              + (number("findings") == 1 ? " finding" : " findings")
              + (text("baselineBackupId") != null
                  ? ", against backup " + text("baselineBackupId")
                  : "")
              + ")";
      case "dev.lifeboat.restore.planned" ->
          "restore "
              + text("restoreId")
              + " of "
              + db
              + " from backup "
              + text("backupId")
              + " planned (mode "
              + text("mode")
              + ")";
      case "dev.lifeboat.restore.confirmed" ->
          "restore "
              + text("restoreId")
              + " confirmed"
              + by(text("confirmedBy"))
              + (data.path("safetyBackup").asBoolean() ? ", with a safety backup" : "");
      case "dev.lifeboat.restore.started" -> "restore " + text("restoreId") + " started";
      case "dev.lifeboat.restore.progress" ->
          "restore "
              + text("restoreId")
              + ": step "
              + text("step")
              + " ("
              + number("percent")
              + " %)";
      case "dev.lifeboat.restore.completed" ->
          "restore "
              + text("restoreId")
              + " completed"
              + (number("durationMillis") > 0
                  ? " in " + Units.duration(number("durationMillis"))
                  : "");
      case "dev.lifeboat.restore.failed" ->
          "restore "
              + text("restoreId")
              + " failed"
              + (text("step") != null ? " at " + text("step") : "")
              + ": "
              + text("reason");
      case "dev.lifeboat.restore.cancelled" ->
          "restore " + text("restoreId") + " cancelled" + by(text("cancelledBy"));
      case "dev.lifeboat.migration.started" ->
          "migration " + text("migration") + " started on " + db + by(entry.actor());
      case "dev.lifeboat.migration.applied" ->
          "migration " + text("migration") + " applied to " + db + by(entry.actor());
      case "dev.lifeboat.migration.failed" ->
          "migration " + text("migration") + " failed on " + db + by(entry.actor());
      case "dev.lifeboat.command.rejected" ->
          "a message on " + text("topic") + " was rejected: " + text("reason");
      default -> entry.reason() != null ? "dead letter: " + entry.reason() : type();
    };
  }

  private static String by(String who) {
    return who == null || who.isBlank() ? "" : " by " + who;
  }
}
