package dev.lifeboat.archive.storage;

/**
 * Where a backup's objects live: {@code <database>/<backupId>/dump} and {@code .../manifest.json},
 * and the holds of the restores that read it, {@code .../holds/<holder>} (empty objects).
 */
public final class ObjectKeys {
  /** What a holder may be called: one path segment of plain characters. */
  public static final String HOLDER_REGEX = "[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}";

  private ObjectKeys() {}

  public static String prefix(String database, String backupId) {
    return database + "/" + backupId + "/";
  }

  public static String dump(String database, String backupId) {
    return prefix(database, backupId) + "dump";
  }

  public static String manifest(String database, String backupId) {
    return prefix(database, backupId) + "manifest.json";
  }

  /** The prefix under which a backup's holds live. */
  public static String holds(String database, String backupId) {
    return prefix(database, backupId) + "holds/";
  }

  /**
   * The hold of {@code holder} (a restore id) on a backup.
   *
   * @throws IllegalArgumentException when the holder is not one plain name ({@value #HOLDER_REGEX})
   */
  public static String hold(String database, String backupId, String holder) {
    if (holder == null || !holder.matches(HOLDER_REGEX)) {
      throw new IllegalArgumentException("a holder is a name matching " + HOLDER_REGEX);
    }
    return holds(database, backupId) + holder;
  }
}
