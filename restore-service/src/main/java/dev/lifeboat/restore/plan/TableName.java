package dev.lifeboat.restore.plan;

/** A table by schema and name (names may hold dots, so never joined into one string for keys). */
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

  @Override
  public String toString() {
    return schema + "." + name;
  }
}
