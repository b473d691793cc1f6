package dev.lifeboat.common.backups;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/** Ids that sort by time and read well: {@code <prefix>_20260102T143022Z_1a2b3c4d}. */
public final class SortableIds {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What follows the prefix; a constant, so that validation annotations can use it. */
  public static final String SUFFIX_REGEX = "_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}";

  private SortableIds() {}

  /** The UTC second and 32 random bits, so that ids made in the same second differ. */
  public static String next(String prefix, Clock clock) {
    byte[] suffix = new byte[4];
    RANDOM.nextBytes(suffix);
    return prefix
        + "_"
        + STAMP.format(clock.instant().truncatedTo(ChronoUnit.SECONDS))
        + "_"
        + HexFormat.of().formatHex(suffix);
  }
}
