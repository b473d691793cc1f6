package dev.lifeboat.cli.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.output.Table;
import dev.lifeboat.cli.output.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * A restore plan as a responder reads it before confirming: what will run, step by step, and what
 * the database holds now that the backup does not (rows now against rows in the backup).
 */
final class PlanView {
  private PlanView() {}

  static String modeDescription(String mode, String database, String newDatabase) {
    return switch (mode) {
      case "SWAP" ->
          "restore into a scratch database, verify it, then swap names; "
              + database
              + " is kept as "
              + database
              + "_pre_<restoreId>";
      case "NEW_DATABASE" ->
          "restore into the new database "
              + (newDatabase == null ? "?" : newDatabase)
              + "; "
              + database
              + " is left untouched";
      case "IN_PLACE" -> "drop " + database + " and recreate it from the backup";
      case "TABLES" -> "replace the listed tables of " + database + " with the backup's";
      default -> mode;
    };
  }

  static void print(PrintStream out, JsonNode plan, Instant now) {
    String restoreId = plan.path("restoreId").asText(null);
    String database = plan.path("database").asText();
    String mode = plan.path("mode").asText("SWAP");
    out.println(
        (restoreId == null ? "Restore plan (dry run, nothing stored)" : "Restore plan " + restoreId)
            + " ["
            + plan.path("status").asText()
            + "]");
    JsonNode loss = plan.path("dataLoss");
    Instant taken = Units.instant(loss.path("backupTakenAt").asText(null));
    out.println("  database       " + database);
    out.println(
        "  backup         "
            + plan.path("backupId").asText()
            + (taken == null
                ? ""
                : ", taken " + Units.time(taken) + " (" + Units.ago(taken, now) + ")"));
    out.println(
        "  mode           "
            + mode
            + ": "
            + modeDescription(mode, database, plan.path("newDatabase").asText(null)));
    if (plan.path("tables").isArray() && !plan.path("tables").isEmpty()) {
      StringBuilder tables = new StringBuilder();
      plan.path("tables")
          .forEach(t -> tables.append(tables.isEmpty() ? "" : ", ").append(t.asText()));
      out.println("  tables         " + tables);
    }
    out.println("  safety backup  " + (plan.path("safetyBackup").asBoolean() ? "yes" : "no"));
    out.println(
        "  estimated      "
            + Units.duration(Duration.ofSeconds(plan.path("estimatedSeconds").asLong())));
    out.println();
    out.println("Steps:");
    int n = 1;
    int width = 0;
    for (JsonNode step : plan.path("steps")) {
      width = Math.max(width, step.path("name").asText().length());
    }
    for (JsonNode step : plan.path("steps")) {
      String name = step.path("name").asText();
      out.println(
          "  "
              + n++
              + ". "
              + name
              + " ".repeat(width - name.length())
              + "  "
              + step.path("description").asText(""));
    }
    out.println();
    printDataLoss(out, plan, mode, database);
    if (plan.path("warnings").isArray() && !plan.path("warnings").isEmpty()) {
      out.println();
      out.println("Warnings:");
      plan.path("warnings").forEach(w -> out.println("  ! " + w.asText()));
    }
  }

  private static void printDataLoss(PrintStream out, JsonNode plan, String mode, String database) {
    JsonNode loss = plan.path("dataLoss");
    JsonNode tables = loss.path("tables");
    Duration since = Duration.ofSeconds(loss.path("secondsSinceBackup").asLong());
    if ("NEW_DATABASE".equals(mode)) {
      out.println(
          "Data loss: none; "
              + database
              + " is left untouched. How it differs from the backup, "
              + Units.duration(since)
              + " later:");
    } else {
      out.println(
          "Data loss: "
              + database
              + " has changed in the "
              + Units.duration(since)
              + " since the backup; restoring replaces"
              + ("TABLES".equals(mode) ? " these tables:" : " all of it:"));
    }
    Table table = new Table("TABLE", "ROWS NOW", "IN BACKUP", "DIFFERENCE").rightAligned(1, 2);
    int differing = 0;
    for (JsonNode t : tables) {
      JsonNode now = t.path("rowsNow");
      JsonNode then = t.path("rowsInBackup");
      String difference = difference(now, then);
      if (!"=".equals(difference)) {
        differing++;
      }
      table.row(
          t.path("schema").asText() + "." + t.path("name").asText(),
          now.isNumber() ? Units.count(now.asLong()) : null,
          then.isNumber() ? Units.count(then.asLong()) : null,
          difference);
    }
    if (table.isEmpty()) {
      out.println("  (no tables)");
    } else {
      table.print(out, "  ");
    }
    out.println(
        "  "
            + differing
            + " of "
            + tables.size()
            + " table(s) differ from the backup"
            + (differing == 0 || "NEW_DATABASE".equals(mode)
                ? "."
                : "; what they hold now that the backup does not will be lost."));
  }

  /** {@code +24}, {@code -3}, {@code =}, or what happened to a table on one side only. */
  static String difference(JsonNode now, JsonNode inBackup) {
    if (!now.isNumber() && inBackup.isNumber()) {
      return "dropped since the backup";
    }
    if (now.isNumber() && !inBackup.isNumber()) {
      return "created since the backup";
    }
    if (!now.isNumber()) {
      return "?";
    }
    long d = now.asLong() - inBackup.asLong();
    return d == 0 ? "=" : (d > 0 ? "+" : "-") + Units.count(Math.abs(d));
  }
}
