package dev.lifeboat.common.databases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuotingTest {

  @Test
  void escapesControlQuoteAndNonAsciiCharacters() {
    assertEquals(
        "\"a\\u000a\\u0022b\\u0430\\u{1f600}\"", Quoting.forMessage("a\n\"b\u0430\uD83D\uDE00"));
  }

  @Test
  void shortensLongValues() {
    String quoted = Quoting.forMessage("x".repeat(10_000));
    assertTrue(quoted.length() < 100, quoted);
    assertTrue(quoted.endsWith("...\""));
  }

  @Test
  void doublesQuotesInIdentifiers() {
    assertEquals("\"we\"\"ird\"", Quoting.identifier("we\"ird"));
  }
}
