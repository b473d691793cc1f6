package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CopyColumnsTest {

  @Test
  void readsPlainAndQuotedNames() {
    assertEquals(
        List.of("id", "customer_id", "note"),
        CustomFormatScanner.copyColumns(
            "COPY public.orders (id, customer_id, note) FROM stdin;\n"));
    assertEquals(
        List.of("Mixed Case", "a,b", "q\"uote", "x$1"),
        CustomFormatScanner.copyColumns(
            "COPY \"Other (Schema\".\"T.\"\"x\"\"\" (\"Mixed Case\", \"a,b\", \"q\"\"uote\", x$1) FROM stdin;\n"));
  }

  @Test
  void aTableWithoutColumnsHasNone() {
    assertEquals(List.of(), CustomFormatScanner.copyColumns("COPY public.nothing  FROM stdin;\n"));
    assertEquals(List.of(), CustomFormatScanner.copyColumns(null));
  }
}
