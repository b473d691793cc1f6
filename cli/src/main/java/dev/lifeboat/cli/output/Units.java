package dev.lifeboat.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Sizes, rates, durations and times as people read them. */
public final class Units {
  private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Units() {}

  /** {@code 1536} → {@code 1.5 KiB}; below 1 KiB in bytes. */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(
        Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, BYTE_UNITS[unit]);
  }

  public static String rate(long bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }

  /** A short duration: {@code 45s}, {@code 12m 5s}, {@code 3h 2m}, {@code 4d 6h}. */
  public static String duration(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
    }
    if (s < 86400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : " " + (s % 3600) / 60 + "m");
    }
    return (s / 86400) + "d" + ((s % 86400) / 3600 == 0 ? "" : " " + (s % 86400) / 3600 + "h");
  }

  /** How long ago: {@code 41m ago}. */
  public static String ago(Instant then, Instant now) {
    return duration(Duration.between(then, now)) + " ago";
  }

  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** {@code 1234567} → {@code 1,234,567}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /**
   * A duration as people type it: {@code 90s}, {@code 45m}, {@code 26h}, {@code 7d}; or ISO-8601
   * ({@code PT26H}). Null when it is neither.
   */
  public static Duration parseDuration(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    var m = java.util.regex.Pattern.compile("(\\d+)\\s*(s|m|h|d|w)").matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** An ISO-8601 instant from the APIs, or null when absent or unreadable. */
  public static Instant instant(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return java.time.OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }
}
