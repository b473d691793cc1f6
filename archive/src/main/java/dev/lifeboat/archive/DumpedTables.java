package dev.lifeboat.archive;

/**
 * The tables whose data pg_dump writes: ordinary tables and partitions, not catalogs, not
 * extensions' tables. Backups count them, restores compare them, checks look for them.
 */
public final class DumpedTables {
  /** Schema, name and size on disk of each such table, ordered by schema and name. */
  public static final String QUERY =
      """
      SELECT n.nspname, c.relname, pg_table_size(c.oid)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r'
         AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname !~ '^pg_(toast|temp)'
         AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
       ORDER BY 1, 2""";

  private DumpedTables() {}
}
