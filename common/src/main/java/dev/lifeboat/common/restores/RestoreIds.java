package dev.lifeboat.common.restores;

import dev.lifeboat.common.backups.SortableIds;
import java.time.Clock;

/** Restore ids: {@code rs_20260102T143022Z_1a2b3c4d}, sorting by when the restore was planned. */
public final class RestoreIds {
  public static final String REGEX = "rs" + SortableIds.SUFFIX_REGEX;

  private RestoreIds() {}

  public static String next(Clock clock) {
    return SortableIds.next("rs", clock);
  }
}
