package dev.lifeboat.health;

import dev.lifeboat.common.backups.SortableIds;
import java.time.Clock;

/** Check ids {@code ck_20260102T143022Z_1a2b3c4d} and verification ids {@code vf_...}. */
public final class HealthIds {
  public static final String CHECK_REGEX = "ck_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}";
  public static final String VERIFICATION_REGEX = "vf_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}";

  private HealthIds() {}

  public static String nextCheck(Clock clock) {
    return SortableIds.next("ck", clock);
  }

  public static String nextVerification(Clock clock) {
    return SortableIds.next("vf", clock);
  }
}
