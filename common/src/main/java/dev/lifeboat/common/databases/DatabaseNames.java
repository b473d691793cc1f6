package dev.lifeboat.common.databases;

import java.util.regex.Pattern;

/**
 * Names of target databases: lower-case ASCII letters, digits, {@code _} and {@code -}, starting
 * with a letter or digit, at most 63 characters (PostgreSQL's identifier limit). The pattern leaves
 * no room for quotes, path separators or look-alike unicode letters; such names are rejected before
 * they reach SQL, object keys or logs.
 */
public final class DatabaseNames {
  public static final String REGEX = "[a-z0-9][a-z0-9_-]{0,62}";
  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private DatabaseNames() {}

  public static boolean isValid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }

  /** The name, or an {@link IllegalArgumentException} saying what a valid name looks like. */
  public static String requireValid(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "invalid database name " + Quoting.forMessage(name) + ": expected " + REGEX);
    }
    return name;
  }
}
