package dev.lifeboat.health;

import dev.lifeboat.common.backups.SortableIds;
import java.time.Clock;

/** Check ids {@code ck_20260102T143022Z_1a2b3c4d} and verification ids {@code vf_...}. */
public final class HealthIds {
  public static final String CHECK_REGEX = "ck" + SortableIds.SUFFIX_REGEX;
  public static final String VERIFICATION_REGEX = "vf" + SortableIds.SUFFIX_REGEX;

  private HealthIds() {}

  public static String nextCheck(Clock clock) {
    return SortableIds.next("ck", clock);
  }

  public static String nextVerification(Clock clock) {
    return SortableIds.next("vf", clock);
  }
}
