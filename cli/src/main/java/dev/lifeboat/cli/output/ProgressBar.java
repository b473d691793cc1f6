package dev.lifeboat.cli.output;

import java.io.PrintStream;

/**
 * A progress line redrawn in place on a terminal ({@code \r}, then spaces over what the previous
 * line left). Only for terminals: elsewhere callers print plain lines.
 */
public final class ProgressBar {
  private final PrintStream terminal;
  private int lastLength;

  public ProgressBar(PrintStream terminal) {
    this.terminal = terminal;
  }

  public void draw(String line) {
    terminal.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
    terminal.flush();
    lastLength = line.length();
  }

  /** Draws the last state and moves to the next line. */
  public void finish(String line) {
    draw(line);
    terminal.println();
    lastLength = 0;
  }

  /** Wipes the line drawn, so that other output can take its place. */
  public void clear() {
    if (lastLength > 0) {
      terminal.print('\r' + " ".repeat(lastLength) + '\r');
      terminal.flush();
      lastLength = 0;
    }
  }

  /**
   * The bar itself, {@code width} characters between brackets. With a known fraction it fills from
   * the left; without one (nothing to compare with) a short block moves back and forth with {@code
   * tick}.
   */
  public static String bar(Double fraction, long tick, int width) {
    StringBuilder b = new StringBuilder(width + 2).append('[');
    if (fraction != null) {
      double f = Math.max(0, Math.min(1, fraction));
      int full = (int) Math.floor(f * width);
      b.append("=".repeat(full));
      if (full < width) {
        b.append('>').append(" ".repeat(width - full - 1));
      }
    } else {
      int block = Math.min(3, width);
      int span = width - block;
      int position = span == 0 ? 0 : (int) (tick % (2L * span));
      if (position > span) {
        position = 2 * span - position;
      }
      b.append(" ".repeat(position)).append("=".repeat(block)).append(" ".repeat(span - position));
    }
    return b.append(']').toString();
  }
}
