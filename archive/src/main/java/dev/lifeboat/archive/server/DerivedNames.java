package dev.lifeboat.archive.server;

/**
 * The names Lifeboat gives what it creates beside a user's database or table: scratch databases
 * ({@code <db>_lbr_…}, {@code <db>_lbv_…}), the kept pre-restore database ({@code <db>_pre_…}) and
 * tables set aside ({@code <table>_lbr_…}). One rule for all, so that every one fits PostgreSQL's
 * 63-byte identifiers: a longer name would be cut silently, and two cut names could collide.
 */
public final class DerivedNames {
  /** PostgreSQL's NAMEDATALEN - 1. */
  static final int MAX = 63;

  private DerivedNames() {}

  /** {@code <base>_<tag>_<suffix>}, {@code base} shortened so that the whole fits 63 bytes. */
  public static String of(String base, String tag, String suffix) {
    String tail = "_" + tag + "_" + suffix;
    return shorten(base, MAX - tail.length()) + tail;
  }

  /**
   * The last eight characters of a Lifeboat id (its random part), for names that must stay short.
   */
  public static String shortId(String id) {
    return id.length() <= 8 ? id : id.substring(id.length() - 8);
  }

  private static String shorten(String name, int max) {
    return name.length() <= max ? name : name.substring(0, Math.max(0, max));
  }
}
