package dev.lifeboat.archive.storage;

/**
 * Where a backup's objects live: {@code <database>/<backupId>/dump} and {@code .../manifest.json}.
 */
public final class ObjectKeys {
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
}
