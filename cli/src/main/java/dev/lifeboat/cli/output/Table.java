package dev.lifeboat.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row in capitals, columns padded to their widest cell, two spaces
 * between them; columns named in {@link #rightAligned} line up numbers on the right.
 */
public final class Table {
  private final List<String> headers;
  private final boolean[] right;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
    this.right = new boolean[headers.length];
  }

  public Table rightAligned(int... columns) {
    for (int c : columns) {
      right[c] = true;
    }
    return this;
  }

  public Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "expected " + headers.size() + " cells, got " + cells.length);
    }
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell == null ? "-" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintStream out, String indent) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    out.println(line(headers, widths, indent));
    for (List<String> row : rows) {
      out.println(line(row, widths, indent));
    }
  }

  public void print(PrintStream out) {
    print(out, "");
  }

  private String line(List<String> cells, int[] widths, String indent) {
    StringBuilder b = new StringBuilder(indent);
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      boolean last = c == cells.size() - 1;
      String pad = " ".repeat(widths[c] - cell.length());
      if (right[c]) {
        b.append(pad).append(cell);
      } else {
        b.append(cell);
        if (!last) {
          b.append(pad);
        }
      }
      if (!last) {
        b.append("  ");
      }
    }
    return b.toString().stripTrailing();
  }
}
