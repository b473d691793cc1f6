package dev.lifeboat.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void columnsArePaddedToTheirWidestCellAndNumbersLineUpRight() {
    Table table = new Table("TABLE", "ROWS", "NOTE").rightAligned(1);
    table.row("public.orders", "10,412", "+24");
    table.row("public.coupons", "2", null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), "  ");
    assertEquals(
        """
          TABLE             ROWS  NOTE
          public.orders   10,412  +24
          public.coupons       2  -
        """,
        bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void progressBars() {
    assertEquals("[==========]", ProgressBar.bar(1.0, 0, 10));
    assertEquals("[====>     ]", ProgressBar.bar(0.45, 0, 10));
    assertEquals("[>         ]", ProgressBar.bar(0.0, 0, 10));
    // Without a fraction, a block moves back and forth.
    assertEquals("[===       ]", ProgressBar.bar(null, 0, 10));
    assertEquals("[ ===      ]", ProgressBar.bar(null, 1, 10));
    assertEquals("[       ===]", ProgressBar.bar(null, 7, 10));
    assertEquals("[      === ]", ProgressBar.bar(null, 8, 10));
  }
}
