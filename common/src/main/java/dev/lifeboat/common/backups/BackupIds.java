package dev.lifeboat.common.backups;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Backup ids that sort by time and read well: {@code bk_20260102T143022Z_1a2b3c4d}, the UTC second
 * the backup was requested and 32 random bits, so that ids made in the same second differ.
 */
public final class BackupIds {
  public static final String REGEX = "bk_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}";
  private static final Pattern PATTERN = Pattern.compile(REGEX);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private BackupIds() {}

  public static String next(Clock clock) {
    byte[] suffix = new byte[4];
    RANDOM.nextBytes(suffix);
    return "bk_"
        + STAMP.format(clock.instant().truncatedTo(ChronoUnit.SECONDS))
        + "_"
        + HexFormat.of().formatHex(suffix);
  }

  public static boolean isValid(String id) {
    return id != null && PATTERN.matcher(id).matches();
  }
}
