package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RowCounterTest {

  /** Feeds the text in pieces of every size, so that lines and markers straddle chunk edges. */
  private static long rows(String copyText) {
    byte[] bytes = copyText.getBytes(StandardCharsets.UTF_8);
    long expected = -1;
    for (int piece = 1; piece <= bytes.length + 1; piece++) {
      var counter = new CustomFormatScanner.RowCounter();
      for (int from = 0; from < bytes.length; from += piece) {
        byte[] chunk =
            java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + piece));
        counter.accept(chunk, chunk.length);
      }
      if (expected >= 0) {
        assertEquals(expected, counter.rows(), "pieces of " + piece);
      }
      expected = counter.rows();
    }
    return expected;
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // COPY text (\\n is a newline here)        | rows
        "1\\tone\\n2\\ttwo\\n\\\\.\\n\\n\\n         | 2",
        "\\\\.\\n\\n\\n                             | 0",
        "\\n\\n\\\\.\\n\\n\\n                       | 2", // two rows of one empty text column
        "a\\\\\\\\.\\n\\\\.\\n\\n\\n                | 1", // the value a\. is written a\\.
        "x\\\\.\\n\\\\.\\n\\n\\n                    | 1",
        "1\\n2\\n3\\n                               | 3", // no marker: every line is a row
        "\\\\.x\\n\\\\.\\n\\n\\n                    | 1"
      })
  void countsLinesButNotCopysEndMarker(String text, long expected) {
    String copyText = text.strip().replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
    assertEquals(expected, rows(copyText));
  }

  @Test
  void countsLongRowsOfAnyBytesWhateverTheChunkEdges() {
    var random = new java.util.Random(42);
    // Bytes next to a newline's value (0x09, 0x0B), high bytes (é, 0x8A) and backslashes.
    String alphabet = "ab\t\u000b\\.é\u008a0";
    var text = new StringBuilder();
    int rows = 120;
    for (int row = 0; row < rows; row++) {
      int length = random.nextInt(40);
      for (int k = 0; k < length; k++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      text.append('\n');
    }
    text.append("\\.\n\n\n");

    assertEquals(rows, rows(text.toString()));
  }

  @Test
  void findsTheFirstNewlineAtEveryPosition() {
    for (int at = 0; at < 20; at++) {
      byte[] bytes = new byte[20];
      java.util.Arrays.fill(bytes, (byte) 0x0b);
      bytes[at] = '\n';
      for (int later = at + 1; later < 20; later++) {
        bytes[later] = '\n';
      }
      assertEquals(at, CustomFormatScanner.RowCounter.indexOfNewline(bytes, 0, 20));
      assertEquals(-1, CustomFormatScanner.RowCounter.indexOfNewline(bytes, 0, at));
    }
  }
}
