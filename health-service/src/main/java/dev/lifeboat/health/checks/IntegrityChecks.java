package dev.lifeboat.health.checks;

import dev.lifeboat.common.databases.Quoting;
import dev.lifeboat.common.databases.TableName;
import io.vertx.mutiny.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * What the data itself says: orphaned foreign-key rows, invalid indexes, sequences behind their
 * columns, tables without a primary key.
 */
final class IntegrityChecks {
  private IntegrityChecks() {}

  /**
   * For every foreign key, validated or {@code NOT VALID}, counts the referencing rows whose parent
   * row does not exist: an anti-join per constraint. Rows with a NULL in the key reference nothing
   * (MATCH SIMPLE) unless the constraint is MATCH FULL.
   */
  static void foreignKeys(ReadOnlySession s, List<Finding> findings) {
    for (Row fk :
        s.query(
            """
            SELECT con.conname::text, con.convalidated, con.confmatchtype::text,
                   cn.nspname::text, cl.relname::text, cl.relkind::text,
                   fn.nspname::text, fl.relname::text, fl.relkind::text,
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
                          ORDER BY k.ord),
                   ARRAY(SELECT a.attname::text
                           FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                          ORDER BY k.ord)
              FROM pg_constraint con
              JOIN pg_class cl ON cl.oid = con.conrelid
              JOIN pg_namespace cn ON cn.oid = cl.relnamespace
              JOIN pg_class fl ON fl.oid = con.confrelid
              JOIN pg_namespace fn ON fn.oid = fl.relnamespace
             WHERE con.contype = 'f' AND con.conparentid = 0
               AND cn.nspname NOT IN ('pg_catalog', 'information_schema')
             ORDER BY cn.nspname, cl.relname, con.conname""")) {
      String name = fk.getString(0);
      boolean validated = fk.getBoolean(1);
      boolean matchFull = "f".equals(fk.getString(2));
      TableName child = new TableName(fk.getString(3), fk.getString(4));
      TableName parent = new TableName(fk.getString(6), fk.getString(7));
      String[] columns = fk.getArrayOfStrings(9);
      String[] referenced = fk.getArrayOfStrings(10);
      List<String> keyPresent = new ArrayList<>();
      List<String> matches = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        String c = "c." + Quoting.identifier(columns[i]);
        keyPresent.add(matchFull ? c + " IS NULL" : c + " IS NOT NULL");
        matches.add("p." + Quoting.identifier(referenced[i]) + " = " + c);
      }
      String sql =
          "SELECT count(*) FROM "
              + TableNames.only(fk.getString(5))
              + child.quoted()
              + " c WHERE "
              + (matchFull
                  ? "NOT (" + String.join(" AND ", keyPresent) + ")"
                  : String.join(" AND ", keyPresent))
              + " AND NOT EXISTS (SELECT 1 FROM "
              + TableNames.only(fk.getString(8))
              + parent.quoted()
              + " p WHERE "
              + String.join(" AND ", matches)
              + ")";
      String constraint =
          "foreign key " + name + (validated ? "" : " (NOT VALID)") + " on " + child.toString();
      long orphans;
      try {
        orphans = s.query(sql).iterator().next().getLong(0);
      } catch (RuntimeException e) {
        findings.add(
            new Finding(
                "foreign-keys",
                Severity.WARNING,
                child.toString(),
                "could not check " + constraint + ": " + DatabaseChecks.message(e)));
        continue;
      }
      if (orphans > 0) {
        findings.add(
            new Finding(
                "foreign-keys",
                Severity.CRITICAL,
                child.toString(),
                constraint
                    + ": "
                    + orphans
                    + " row(s) reference a missing row of "
                    + parent.toString()
                    + " ("
                    + String.join(", ", columns)
                    + " -> "
                    + String.join(", ", referenced)
                    + ")"));
      }
    }
  }

  static void invalidIndexes(ReadOnlySession s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT n.nspname::text, t.relname::text, i.relname::text
              FROM pg_index x
              JOIN pg_class i ON i.oid = x.indexrelid
              JOIN pg_class t ON t.oid = x.indrelid
              JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE NOT x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             ORDER BY 1, 2, 3""")) {
      TableName table = new TableName(row.getString(0), row.getString(1));
      findings.add(
          new Finding(
              "indexes",
              Severity.WARNING,
              table.toString(),
              "index "
                  + row.getString(2)
                  + " on "
                  + table.toString()
                  + " is invalid (a failed or still running CREATE INDEX CONCURRENTLY): queries"
                  + " do not use it and, if unique, it enforces nothing; drop and rebuild it"));
    }
  }

  /** A sequence whose next value is at or below its column's largest value: inserts collide. */
  static void sequences(ReadOnlySession s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT sn.nspname::text, sc.relname::text, tn.nspname::text, t.relname::text,
                   a.attname::text, seq.seqincrement
              FROM pg_depend d
              JOIN pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = sc.relnamespace
              JOIN pg_sequence seq ON seq.seqrelid = sc.oid
              JOIN pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p')
              JOIN pg_namespace tn ON tn.oid = t.relnamespace
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
             WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
               AND d.deptype IN ('a', 'i')
               AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
               AND NOT t.relispartition
               -- Not evaluated before relkind is known: on other relations it raises an error.
               AND CASE WHEN sc.relkind = 'S' THEN has_sequence_privilege(sc.oid, 'SELECT') END
             ORDER BY 1, 2""")) {
      TableName sequence = new TableName(row.getString(0), row.getString(1));
      TableName table = new TableName(row.getString(2), row.getString(3));
      String column = row.getString(4);
      long increment = row.getLong(5);
      try {
        Row state =
            s.query("SELECT last_value, is_called FROM " + sequence.quoted()).iterator().next();
        long next = state.getBoolean(1) ? state.getLong(0) + increment : state.getLong(0);
        Row extreme =
            s.query(
                    "SELECT "
                        + (increment > 0 ? "max(" : "min(")
                        + Quoting.identifier(column)
                        + ")::bigint FROM "
                        + table.quoted())
                .iterator()
                .next();
        Long highest = extreme.getLong(0);
        if (highest != null && (increment > 0 ? highest >= next : highest <= next)) {
          findings.add(
              new Finding(
                  "sequences",
                  Severity.CRITICAL,
                  table.toString(),
                  "sequence "
                      + sequence.toString()
                      + " is behind "
                      + table.toString()
                      + "."
                      + column
                      + ": its next value is "
                      + next
                      + " but the column already holds "
                      + highest
                      + "; inserts that use it will collide (setval it past "
                      + highest
                      + ")"));
        }
      } catch (RuntimeException e) {
        findings.add(
            new Finding(
                "sequences",
                Severity.WARNING,
                table.toString(),
                "could not check sequence "
                    + sequence.toString()
                    + ": "
                    + DatabaseChecks.message(e)));
      }
    }
  }

  static void primaryKeys(ReadOnlySession s, List<Finding> findings) {
    for (Row row :
        s.query(
            """
            SELECT n.nspname::text, c.relname::text
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname !~ '^pg_(toast|temp)'
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                  AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""")) {
      TableName table = new TableName(row.getString(0), row.getString(1));
      findings.add(
          new Finding(
              "primary-keys",
              Severity.INFO,
              table.toString(),
              "table "
                  + table.toString()
                  + " has no primary key: duplicate rows cannot be told apart"));
    }
  }
}
