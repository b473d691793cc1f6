package dev.lifeboat.health.checks;

import dev.lifeboat.archive.DumpedTables;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.ExactRowCounts;
import dev.lifeboat.common.databases.TableName;
import io.vertx.mutiny.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Compares a database with its baseline backup: tables, columns and rows per table. */
final class BaselineComparison {
  private BaselineComparison() {}

  /**
   * The tables as {@link DumpedTables#QUERY} defines them (those a backup holds), read from the
   * catalog alone: their sizes would need a lock on each table, which a migration may hold.
   */
  static Set<TableName> liveTables(ReadOnlySession s) {
    Set<TableName> tables = new LinkedHashSet<>();
    for (Row row :
        s.query(
            """
            SELECT n.nspname::text, c.relname::text
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_(toast|temp)'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""")) {
      tables.add(new TableName(row.getString(0), row.getString(1)));
    }
    return tables;
  }

  static void compareTables(Baseline baseline, Set<TableName> live, List<Finding> findings) {
    Set<TableName> inBackup = new LinkedHashSet<>();
    for (Manifest.Table t : baseline.manifest().tables()) {
      TableName name = new TableName(t.schema(), t.name());
      inBackup.add(name);
      if (!live.contains(name)) {
        findings.add(
            new Finding(
                "tables",
                Severity.CRITICAL,
                name.toString(),
                "table "
                    + name.toString()
                    + " is missing: backup "
                    + baseline.backupId()
                    + " has it with "
                    + t.rows()
                    + " row(s)"));
      }
    }
    for (TableName name : live) {
      if (!inBackup.contains(name)) {
        findings.add(
            new Finding(
                "tables",
                Severity.INFO,
                name.toString(),
                "table "
                    + name.toString()
                    + " is new: backup "
                    + baseline.backupId()
                    + " has none"));
      }
    }
  }

  static void compareColumns(
      ReadOnlySession s, Baseline baseline, Set<TableName> live, List<Finding> findings) {
    if (baseline.columns().isEmpty()) {
      findings.add(
          Finding.of(
              "columns",
              Severity.INFO,
              "columns not compared with backup "
                  + baseline.backupId()
                  + ": "
                  + baseline.columnsUnavailable()));
      return;
    }
    Map<TableName, List<String>> liveColumns = new LinkedHashMap<>();
    for (Row row :
        s.query(
            """
            SELECT n.nspname, c.relname, a.attname::text
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_(toast|temp)'
             ORDER BY n.nspname, c.relname, a.attnum""")) {
      liveColumns
          .computeIfAbsent(
              new TableName(row.getString(0), row.getString(1)), k -> new ArrayList<>())
          .add(row.getString(2));
    }
    for (var entry : baseline.columns().get().entrySet()) {
      TableName table = entry.getKey();
      if (!live.contains(table)) {
        continue; // reported as a missing table
      }
      List<String> now = liveColumns.getOrDefault(table, List.of());
      for (String column : entry.getValue()) {
        if (!now.contains(column)) {
          findings.add(
              new Finding(
                  "columns",
                  Severity.WARNING,
                  table.toString(),
                  "column "
                      + column
                      + " of "
                      + table.toString()
                      + " was dropped: backup "
                      + baseline.backupId()
                      + " has it"));
        }
      }
      for (String column : now) {
        if (!entry.getValue().contains(column)) {
          findings.add(
              new Finding(
                  "columns",
                  Severity.INFO,
                  table.toString(),
                  "column "
                      + column
                      + " of "
                      + table.toString()
                      + " is new: backup "
                      + baseline.backupId()
                      + " has none"));
        }
      }
    }
  }

  static void compareRows(
      ReadOnlySession s,
      Baseline baseline,
      Set<TableName> live,
      double threshold,
      List<Finding> findings) {
    for (Manifest.Table t : baseline.manifest().tables()) {
      TableName name = new TableName(t.schema(), t.name());
      if (!live.contains(name)) {
        continue;
      }
      long now;
      try {
        now = s.query(ExactRowCounts.sql(name)).iterator().next().getLong(0);
      } catch (RuntimeException e) {
        findings.add(
            new Finding(
                "row-counts",
                Severity.WARNING,
                name.toString(),
                "could not count the rows of "
                    + name.toString()
                    + ": "
                    + DatabaseChecks.message(e)));
        continue;
      }
      long lost = t.rows() - now;
      if (lost <= 0) {
        continue;
      }
      double share = (double) lost / t.rows();
      boolean flagged = share > threshold;
      findings.add(
          new Finding(
              "row-counts",
              flagged ? Severity.CRITICAL : Severity.INFO,
              name.toString(),
              name.toString()
                  + " lost "
                  + lost
                  + " of "
                  + t.rows()
                  + " row(s) ("
                  + String.format(Locale.ROOT, "%.1f", share * 100)
                  + "%) since backup "
                  + baseline.backupId()
                  + ": "
                  + now
                  + " now"
                  + (flagged
                      ? ", more than the "
                          + String.format(Locale.ROOT, "%.0f", threshold * 100)
                          + "% allowed"
                      : "")));
    }
  }
}
