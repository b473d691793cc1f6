package dev.lifeboat.bench.report;

import java.time.Duration;
import java.util.Locale;

/** How figures read in the report. */
final class Units {
  private static final double MIB = 1024.0 * 1024.0;

  private Units() {}

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }

  static String bytes(long bytes) {
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
  }

  static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / MIB);
  }

  static String ratio(double ratio) {
    return String.format(Locale.ROOT, "%.2f×", ratio);
  }

  static double ratio(Duration a, Duration b) {
    return (double) a.toNanos() / b.toNanos();
  }
}
