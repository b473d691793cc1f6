package dev.lifeboat.bench.measure;

import java.util.Arrays;

/** Medians of a few runs: one slow run, a GC or a neighbour's burst, must not set the figure. */
public final class Medians {
  private Medians() {}

  /** The middle value; for an even count, the mean of the two middle ones. */
  public static long of(long... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no runs");
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
