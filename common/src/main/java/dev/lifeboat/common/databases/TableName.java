package dev.lifeboat.common.databases;

/**
 * A table by schema and name: the one type for it across the archive scanner, restore plans and
 * health checks. Names may hold dots, so a table is never joined into one string for keys.
 */
public record TableName(String schema, String name) implements Comparable<TableName> {
  @Override
  public int compareTo(TableName other) {
    int bySchema = schema.compareTo(other.schema);
    return bySchema != 0 ? bySchema : name.compareTo(other.name);
  }

  /** {@code schema.table}, or a bare name meaning {@code public}. */
  public static TableName parse(String qualified) {
    int dot = qualified.indexOf('.');
    return dot < 0
        ? new TableName("public", qualified)
        : new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  /** {@code "schema"."table"}, for SQL. */
  public String quoted() {
    return Quoting.identifier(schema) + "." + Quoting.identifier(name);
  }

  /** {@code schema.table}, as people write it. */
  @Override
  public String toString() {
    return schema + "." + name;
  }
}
