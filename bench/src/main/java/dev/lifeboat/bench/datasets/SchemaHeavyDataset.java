package dev.lifeboat.bench.datasets;

import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.PostgresEndpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Many tables of different shapes in several schemas, holding text that compresses poorly: where
 * pg_dump's per-table overhead and the compressor's speed on hard data show. At factor 1 it is a
 * few hundred MB (about 650 MB, extrapolated from smaller factors).
 */
public record SchemaHeavyDataset(double factor) implements Dataset {
  private static final int TABLES = 300;
  private static final List<String> SCHEMAS =
      List.of(
          "sales",
          "billing",
          "inventory",
          "crm",
          "shipping",
          "catalog",
          "support",
          "hr",
          "audit",
          "analytics");
  private static final ColumnKind[] KINDS = ColumnKind.values();

  @Override
  public String name() {
    return "schemas";
  }

  @Override
  public String description() {
    return TABLES
        + " tables in "
        + SCHEMAS.size()
        + " schemas, 3 to 11 columns each, mostly random text; factor "
        + factor;
  }

  @Override
  public void create(PostgresEndpoint pg, PostgresTools tools) {
    pg.createDatabase(name());
    for (String schema : SCHEMAS) {
      pg.execute(name(), "CREATE SCHEMA " + schema);
    }
    for (int i = 0; i < TABLES; i++) {
      pg.execute(name(), tableSql(i));
    }
    // Sets hint bits now, so that no measured dump is the first to read (and write) a page.
    pg.execute(name(), "VACUUM ANALYZE");
  }

  /** Table {@code i}: its shape, size and extras all vary with {@code i}, deterministically. */
  String tableSql(int i) {
    String table = SCHEMAS.get(i % SCHEMAS.size()) + ".t" + String.format("%03d", i);
    List<ColumnKind> columns = new ArrayList<>();
    int count = 3 + i % 9;
    for (int k = 0; k < count; k++) {
      // 5 is coprime to the number of kinds: no kind appears twice in one table.
      columns.add(KINDS[(i + 5 * k) % KINDS.length]);
    }
    long rows = Math.max(1, Math.round(factor * (200 + (i * 7919L) % 9800)));

    StringBuilder sql = new StringBuilder();
    sql.append("CREATE TABLE ").append(table).append(" (id bigint PRIMARY KEY");
    columns.forEach(c -> sql.append(", ").append(c.columnName()).append(' ').append(c.sqlType));
    sql.append(");");
    sql.append("INSERT INTO ").append(table).append(" SELECT g");
    columns.forEach(c -> sql.append(", ").append(c.expression));
    sql.append(" FROM generate_series(1, ").append(rows).append(") g;");
    if (i % 3 == 0) {
      sql.append("CREATE INDEX ON ")
          .append(table)
          .append(" (")
          .append(columns.get(0).columnName())
          .append(");");
    }
    if (i % 10 == 0) {
      sql.append("CREATE VIEW ")
          .append(table)
          .append("_recent AS SELECT * FROM ")
          .append(table)
          .append(" ORDER BY id DESC LIMIT 100;");
    }
    sql.append("COMMENT ON TABLE ")
        .append(table)
        .append(" IS 'schema-heavy benchmark table ")
        .append(i)
        .append("'");
    return sql.toString();
  }
}
