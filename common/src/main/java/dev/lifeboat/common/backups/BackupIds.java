package dev.lifeboat.common.backups;

import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Backup ids: {@code bk_20260102T143022Z_1a2b3c4d}, the UTC second it was requested and 32 random
 * bits.
 */
public final class BackupIds {
  public static final String REGEX = "bk" + SortableIds.SUFFIX_REGEX;
  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private BackupIds() {}

  public static String next(Clock clock) {
    return SortableIds.next("bk", clock);
  }

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }
}
