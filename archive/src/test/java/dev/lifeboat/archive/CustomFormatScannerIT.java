package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Row counts read from real pg_dump output equal count(*), for awkward data too, and the archive
 * the scanner passes on restores to exactly what pg_dump's own does.
 */
class CustomFormatScannerIT {
  private static final PostgresEndpoint PG = TestServers.postgres();
  private static final PgBinaries BINARIES = PgBinaries.locate(Optional.of(PG.clientBinDir()));

  @BeforeAll
  static void awkwardDatabase() {
    PG.dropDatabase("scanner_src");
    PG.createDatabase("scanner_src");
    PG.execute(
        "scanner_src",
        """
        CREATE TABLE plain (id int PRIMARY KEY, body text);
        INSERT INTO plain SELECT g, E'line one\\nline two\\r\\n\\ttab \\\\ backslash ' || g FROM generate_series(1, 5000) g;
        CREATE TABLE empty_one (id int);
        CREATE TABLE nulls (a int, b text);
        INSERT INTO nulls SELECT NULL, NULL FROM generate_series(1, 77);
        CREATE SCHEMA "Other Schema";
        CREATE TABLE "Other Schema"."Weird ""Name"" é" (x bytea, y jsonb);
        INSERT INTO "Other Schema"."Weird ""Name"" é"
          SELECT decode('0a0d00ff', 'hex'), '{"k": "v\\nw"}' FROM generate_series(1, 333);
        CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO events SELECT g, DATE '2025-06-01' + (g % 400) FROM generate_series(1, 2000) g;
        SELECT lo_from_bytea(0, convert_to(repeat('large object\\n', 50000), 'UTF8'));
        """);
  }

  private static byte[] dump(List<String> extra) throws Exception {
    var target =
        new TargetDatabase(
            "scanner_src",
            PG.host(),
            PG.port(),
            "scanner_src",
            PG.username(),
            Optional.of(PG.password()),
            Optional.empty(),
            7,
            Optional.empty());
    var args = new java.util.ArrayList<>(List.of("--format=custom"));
    args.addAll(extra);
    try (PgProcess pgDump = PgProcess.start(BINARIES.pgDump(), target, "scanner_src", args)) {
      byte[] bytes = pgDump.stdout().readAllBytes();
      pgDump.finish();
      return bytes;
    }
  }

  /**
   * What pg_restore makes of {@code archive}: the SQL script, less psql's {@code \restrict} lines,
   * whose key is new every time.
   */
  private static String script(byte[] archive) throws Exception {
    Process restore =
        new ProcessBuilder(BINARIES.pgRestore().toString(), "--file=-")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (var stdin = restore.getOutputStream()) {
      Thread feeder =
          new Thread(
              () -> {
                try (stdin) {
                  stdin.write(archive);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      feeder.start();
      String sql = new String(restore.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      feeder.join();
      assertEquals(0, restore.waitFor(), "pg_restore's exit status");
      return sql.lines()
          .filter(line -> !line.startsWith("\\restrict ") && !line.startsWith("\\unrestrict "))
          .collect(Collectors.joining("\n"));
    }
  }

  @Test
  void countsEveryTablesRowsAndJoinsTheirChunksIntoAnArchiveThatRestoresTheSame() throws Exception {
    byte[] archive = dump(List.of("--compress=0"));
    var copy = new ByteArrayOutputStream();

    var counts = CustomFormatScanner.copy(new ByteArrayInputStream(archive), copy).orElseThrow();

    // 5 bytes of length word per row, less one per 256 KiB: "plain" alone has 5000 rows.
    assertTrue(
        copy.size() < archive.length - 5 * 5000,
        copy.size() + " bytes joined, " + archive.length + " dumped");
    assertEquals(script(archive), script(copy.toByteArray()));
    assertTrue(script(archive).contains("line one\\nline two"), "the script holds the data");
    assertEquals(
        Map.of(
            new TableName("public", "plain"),
            5000L,
            new TableName("public", "empty_one"),
            0L,
            new TableName("public", "nulls"),
            77L,
            new TableName("Other Schema", "Weird \"Name\" é"),
            333L,
            new TableName("public", "events_2025"),
            PG.queryLong("scanner_src", "SELECT count(*) FROM events_2025"),
            new TableName("public", "events_2026"),
            PG.queryLong("scanner_src", "SELECT count(*) FROM events_2026")),
        counts);
  }

  @Test
  void copiesEveryByteOfAnArchiveWhoseTableOfContentsGivesDataPositions() throws Exception {
    Path file = Files.createTempFile("scanner", ".dump");
    try {
      // Written to a file, pg_dump goes back and fills in where each table's data starts.
      dump(List.of("--compress=0", "--file=" + file));
      byte[] archive = Files.readAllBytes(file);
      var copy = new ByteArrayOutputStream();

      var counts = CustomFormatScanner.copy(new ByteArrayInputStream(archive), copy).orElseThrow();

      assertArrayEquals(archive, copy.toByteArray());
      assertEquals(5000L, counts.get(new TableName("public", "plain")));
    } finally {
      Files.delete(file);
    }
  }

  /** Where the COPY text of table "plain" begins: just after its first row's length word. */
  private static int firstPlainRow(byte[] archive) {
    byte[] row = "1\tline one".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + row.length <= archive.length; i++) {
      if (Arrays.equals(archive, i, i + row.length, row, 0, row.length)) {
        return i;
      }
    }
    throw new AssertionError("no row of plain in the archive");
  }

  @Test
  void aDataChunkOfUnknownLengthEndsTheCountingButNoByteIsLost() throws Exception {
    byte[] archive = dump(List.of("--compress=0"));
    int word = firstPlainRow(archive) - 5;
    archive[word] = 1; // the sign byte: a negative length, which pg_dump never writes
    var copy = new ByteArrayOutputStream();

    assertEquals(
        Optional.empty(), CustomFormatScanner.copy(new ByteArrayInputStream(archive), copy));
    byte[] copied = copy.toByteArray();
    // Whatever came before was joined; from the odd word on, the archive passes as it is.
    int rest = archive.length - word;
    assertArrayEquals(
        Arrays.copyOfRange(archive, word, archive.length),
        Arrays.copyOfRange(copied, copied.length - rest, copied.length));
  }

  @Test
  void anArchiveThatEndsInsideADataChunkIsAnError() throws Exception {
    byte[] archive = dump(List.of("--compress=0"));
    byte[] truncated = Arrays.copyOf(archive, firstPlainRow(archive) + 3);

    var failure =
        assertThrows(
            EOFException.class,
            () ->
                CustomFormatScanner.copy(
                    new ByteArrayInputStream(truncated), new ByteArrayOutputStream()));
    assertEquals("the archive ends inside a data chunk", failure.getMessage());
  }

  @Test
  void reportsNothingForACompressedArchiveButStillCopiesIt() throws Exception {
    byte[] archive = dump(List.of("--compress=6"));
    var copy = new ByteArrayOutputStream();

    assertEquals(
        Optional.empty(), CustomFormatScanner.copy(new ByteArrayInputStream(archive), copy));
    assertArrayEquals(archive, copy.toByteArray());
  }

  @Test
  void reportsNothingForAnUnknownVersion() throws Exception {
    byte[] archive = dump(List.of("--compress=0"));
    archive[6] = 99; // minor version
    var copy = new ByteArrayOutputStream();

    assertEquals(
        Optional.empty(), CustomFormatScanner.copy(new ByteArrayInputStream(archive), copy));
    assertArrayEquals(archive, copy.toByteArray());
    assertTrue(copy.size() > 1000);
  }
}
