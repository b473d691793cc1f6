package dev.lifeboat.restore.plan;

import java.time.Instant;
import java.util.List;

/** What a restore will do and what it will cost, shown before anyone confirms it. */
public record Plan(
    List<Step> steps, DataLoss dataLoss, long estimatedSeconds, List<String> warnings) {

  public Plan {
    // Plans stored before warnings existed have none.
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** One step; its state moves from PENDING as the restore runs. */
  public record Step(String name, String description, String state) {
    public static Step pending(String name, String description) {
      return new Step(name, description, "PENDING");
    }
  }

  /** What the database holds now that the restore would take away. */
  public record DataLoss(Instant backupTakenAt, long secondsSinceBackup, List<TableRows> tables) {}

  /**
   * A table's rows now and in the backup; null when the table exists on one side only (created
   * after the backup, or dropped since).
   */
  public record TableRows(String schema, String name, Long rowsNow, Long rowsInBackup) {}
}
