package dev.lifeboat.restore.tables;

import dev.lifeboat.archive.server.DerivedNames;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.databases.Quoting;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The target side of a TABLES restore. Before pg_restore, the chosen tables are renamed aside
 * ({@code <table>_lbr_<8 hex>}, with their indexes and owned sequences, whose names the restored
 * ones take), and the foreign keys of other tables that point at them are taken off; all in one
 * transaction. Once the restored tables are verified, {@link #finish} puts those foreign keys back
 * onto the restored tables and drops the set-aside ones; should anything fail before, {@link
 * #putBack} undoes it all. Every statement runs with an empty search path, so that every name it
 * writes or reads is schema-qualified.
 */
public final class TableSwap {
  private TableSwap() {}

  /** A relation renamed aside: {@code kind} is TABLE, INDEX or SEQUENCE. */
  public record Renamed(String kind, String schema, String name, String asideName) {}

  /** A foreign key of another table that pointed at a chosen table. */
  public record ForeignKey(String table, String name, String definition) {}

  /** What was set aside, recorded before it is done so that a restart can undo it. */
  public record SetAside(List<TableName> tables, List<Renamed> renamed, List<ForeignKey> keys) {}

  /**
   * The views that use each of {@code tables} now, one line per table that has any: such a table
   * cannot be restored alone (renaming it aside would move its views with it).
   */
  public static List<String> usedByViews(TargetDatabase target, List<TableName> tables)
      throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Connection c = TargetServer.connect(target, target.database())) {
      emptySearchPath(c);
      for (TableName t : tables) {
        Long oid = oid(c, t);
        if (oid == null) {
          continue;
        }
        List<String> views = views(c, oid);
        if (!views.isEmpty()) {
          problems.add(t + " is used by " + String.join(", ", views));
        }
      }
    }
    return problems;
  }

  private static List<String> views(Connection c, long oid) throws SQLException {
    return strings(
        c,
        """
        SELECT DISTINCT v.oid::regclass::text FROM pg_depend d
          JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
         WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ? AND v.oid <> ?""",
        oid,
        oid);
  }

  /** Works out what setting the tables aside means, without changing anything. */
  public static SetAside plan(TargetDatabase target, List<TableName> tables, String suffix)
      throws SQLException, RefusedException {
    List<Renamed> renamed = new ArrayList<>();
    List<ForeignKey> keys = new ArrayList<>();
    try (Connection c = TargetServer.connect(target, target.database())) {
      c.setAutoCommit(false);
      emptySearchPath(c);
      List<Long> oids = new ArrayList<>();
      for (TableName t : tables) {
        Long oid = oid(c, t);
        if (oid != null) {
          oids.add(oid);
        }
      }
      for (TableName t : tables) {
        Long oid = oid(c, t);
        if (oid == null) {
          continue; // dropped since the backup: nothing to set aside, the restore brings it back
        }
        List<String> views = views(c, oid);
        if (!views.isEmpty()) {
          throw new RefusedException(
              t
                  + " is used by "
                  + String.join(", ", views)
                  + ": restore the whole database (SWAP) instead");
        }
        try (PreparedStatement s =
            c.prepareStatement(
                """
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE contype = 'f' AND confrelid = ? AND NOT (conrelid::int8 = ANY (?))""")) {
          s.setLong(1, oid);
          s.setArray(2, c.createArrayOf("int8", oids.toArray()));
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              keys.add(new ForeignKey(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
          }
        }
        for (String seq :
            strings(
                c,
                """
                SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                 WHERE d.classid = 'pg_class'::regclass AND d.refobjid = ? AND s.relkind = 'S'
                   AND d.deptype IN ('a', 'i')""",
                oid,
                null)) {
          renamed.add(new Renamed("SEQUENCE", t.schema(), seq, aside(seq, suffix)));
        }
        for (String index :
            strings(
                c,
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ?",
                oid,
                null)) {
          renamed.add(new Renamed("INDEX", t.schema(), index, aside(index, suffix)));
        }
        renamed.add(new Renamed("TABLE", t.schema(), t.name(), aside(t.name(), suffix)));
      }
      c.rollback();
    }
    return new SetAside(List.copyOf(tables), renamed, keys);
  }

  /** Takes the foreign keys off and renames the tables aside, in one transaction. */
  public static void apply(TargetDatabase target, SetAside aside) throws SQLException {
    try (Connection c = TargetServer.connect(target, target.database())) {
      c.setAutoCommit(false);
      emptySearchPath(c);
      try (Statement s = c.createStatement()) {
        for (ForeignKey k : aside.keys()) {
          s.execute(
              "ALTER TABLE " + k.table() + " DROP CONSTRAINT " + Quoting.identifier(k.name()));
        }
        for (Renamed r : aside.renamed()) {
          s.execute(rename(r.kind(), r.schema(), r.name(), r.asideName()));
        }
      }
      c.commit();
    }
  }

  /**
   * Whether the tables are still set aside (the restore has not finished): true when the first
   * set-aside table exists.
   */
  public static boolean isSetAside(TargetDatabase target, SetAside aside) throws SQLException {
    try (Connection c = TargetServer.connect(target, target.database())) {
      emptySearchPath(c);
      for (Renamed r : aside.renamed()) {
        if ("TABLE".equals(r.kind())) {
          return oid(c, new TableName(r.schema(), r.asideName())) != null;
        }
      }
      return false;
    }
  }

  /**
   * Undoes the set-aside: drops what the restore created under the tables' names, renames the
   * set-aside ones back and puts the foreign keys back on them. One transaction.
   */
  public static void putBack(TargetDatabase target, SetAside aside) throws SQLException {
    try (Connection c = TargetServer.connect(target, target.database())) {
      c.setAutoCommit(false);
      emptySearchPath(c);
      try (Statement s = c.createStatement()) {
        List<String> restored = new ArrayList<>();
        for (TableName t : aside.tables()) {
          if (oid(c, t) != null) {
            restored.add(qualified(t.schema(), t.name()));
          }
        }
        if (!restored.isEmpty()) {
          // Together: restored tables may reference each other.
          s.execute("DROP TABLE " + String.join(", ", restored));
        }
        List<Renamed> back = new ArrayList<>(aside.renamed());
        java.util.Collections.reverse(back);
        for (Renamed r : back) {
          s.execute(rename(r.kind(), r.schema(), r.asideName(), r.name()));
        }
        addKeys(s, aside.keys());
      }
      c.commit();
    }
  }

  /**
   * Ends the restore: the foreign keys go back on, now onto the restored tables (checked against
   * their rows), and the set-aside tables are dropped. One transaction: if a key no longer holds,
   * nothing changes and the caller puts everything back.
   */
  public static void finish(TargetDatabase target, SetAside aside) throws SQLException {
    try (Connection c = TargetServer.connect(target, target.database())) {
      c.setAutoCommit(false);
      emptySearchPath(c);
      try (Statement s = c.createStatement()) {
        addKeys(s, aside.keys());
        List<String> setAside = new ArrayList<>();
        for (Renamed r : aside.renamed()) {
          if ("TABLE".equals(r.kind())) {
            setAside.add(qualified(r.schema(), r.asideName()));
          }
        }
        if (!setAside.isEmpty()) {
          s.execute("DROP TABLE " + String.join(", ", setAside));
        }
      }
      c.commit();
    }
  }

  /** A table, index or sequence could not be set aside for a reason the responder must see. */
  public static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  private static void addKeys(Statement s, List<ForeignKey> keys) throws SQLException {
    for (ForeignKey k : keys) {
      s.execute(
          "ALTER TABLE "
              + k.table()
              + " ADD CONSTRAINT "
              + Quoting.identifier(k.name())
              + " "
              + k.definition());
    }
  }

  private static String rename(String kind, String schema, String from, String to) {
    return "ALTER " + kind + " " + qualified(schema, from) + " RENAME TO " + Quoting.identifier(to);
  }

  private static String qualified(String schema, String name) {
    return Quoting.identifier(schema) + "." + Quoting.identifier(name);
  }

  /** {@code <name>_lbr_<8 hex>} ({@link DerivedNames}). */
  static String aside(String name, String suffix) {
    return DerivedNames.of(name, "lbr", suffix);
  }

  private static void emptySearchPath(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_catalog.set_config('search_path', '', false)");
    }
  }

  private static Long oid(Connection c, TableName t) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)::oid")) {
      s.setString(1, qualified(t.schema(), t.name()));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        long oid = rs.getLong(1);
        return rs.wasNull() ? null : oid;
      }
    }
  }

  private static List<String> strings(Connection c, String sql, Long first, Long second)
      throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, first);
      if (second != null) {
        s.setLong(2, second);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          values.add(rs.getString(1));
        }
      }
    }
    return values;
  }
}
