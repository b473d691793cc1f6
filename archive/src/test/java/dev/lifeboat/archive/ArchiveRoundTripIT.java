package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.archive.restore.ArchiveRestore;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pg_dump through the archive codec, and back with Lifeboat and with standard tools alone. */
class ArchiveRoundTripIT {
  private static final PostgresEndpoint PG = TestServers.postgres();
  private static final PgBinaries BINARIES = PgBinaries.locate(Optional.of(PG.clientBinDir()));

  @BeforeAll
  static void sampleDatabase() {
    PG.dropDatabase("archive_src");
    PG.createDatabase("archive_src");
    PG.execute(
        "archive_src",
        """
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int REFERENCES customers, note text);
        INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 500) g;
        INSERT INTO orders SELECT g, 1 + g % 500, E'line one\\nline two\\ttab ' || md5(g::text)
          FROM generate_series(1, 20000) g;
        """);
  }

  private static TargetDatabase target(String password) {
    return new TargetDatabase(
        "archive_src",
        PG.host(),
        PG.port(),
        "archive_src",
        PG.username(),
        Optional.of(password),
        Optional.empty(),
        7,
        Optional.empty());
  }

  private static byte[] dump(ArchiveWriter[] writerOut) throws Exception {
    var stored = new ByteArrayOutputStream();
    try (PgProcess pgDump =
            PgProcess.start(
                BINARIES.pgDump(),
                target(PG.password()),
                "archive_src",
                List.of("--format=custom", "--compress=0"));
        ArchiveWriter writer = ArchiveWriter.create(stored, 3, 0)) {
      pgDump.stdout().transferTo(writer);
      pgDump.finish();
      writerOut[0] = writer;
    }
    return stored.toByteArray();
  }

  @Test
  void storesASmallerArchiveWhoseChecksumAndSizesAreKnown() throws Exception {
    ArchiveWriter[] writer = new ArchiveWriter[1];
    byte[] stored = dump(writer);

    assertEquals(stored.length, writer[0].storedBytes());
    assertTrue(writer[0].plainBytes() > stored.length * 2L, "zstd shrinks a plain dump");
    var checksum = ArchiveReader.checksum(new ByteArrayInputStream(stored));
    assertEquals(writer[0].sha256Hex(), checksum.sha256());
    assertEquals(stored.length, checksum.sizeBytes());

    var plain = new ByteArrayOutputStream();
    assertEquals(
        writer[0].plainBytes(), ArchiveReader.decompress(new ByteArrayInputStream(stored), plain));
    assertEquals("PGDMP", new String(plain.toByteArray(), 0, 5), "a pg_dump custom-format archive");
  }

  @Test
  void restoresWithStandardToolsAlone(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("dump");
    Files.write(file, dump(new ArchiveWriter[1]));
    PG.dropDatabase("archive_by_hand");
    PG.createDatabase("archive_by_hand");

    // What docs/restore-by-hand.md tells an operator to run when Lifeboat is down.
    var byHand =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -o pipefail; zstd -d < '"
                    + file
                    + "' | '"
                    + BINARIES.pgRestore()
                    + "' --no-owner -d archive_by_hand")
            .redirectErrorStream(true);
    byHand.environment().put("PGHOST", PG.host());
    byHand.environment().put("PGPORT", String.valueOf(PG.port()));
    byHand.environment().put("PGUSER", PG.username());
    byHand.environment().put("PGPASSWORD", PG.password());
    Process shell = byHand.start();
    String out = new String(shell.getInputStream().readAllBytes());
    assertEquals(0, shell.waitFor(), out);

    assertEquals(500, PG.queryLong("archive_by_hand", "SELECT count(*) FROM customers"));
    assertEquals(20000, PG.queryLong("archive_by_hand", "SELECT count(*) FROM orders"));
    assertEquals(
        PG.queryLong("archive_src", "SELECT sum(hashtext(note)) FROM orders"),
        PG.queryLong("archive_by_hand", "SELECT sum(hashtext(note)) FROM orders"),
        "the same contents, newlines and tabs included");
  }

  @Test
  void aRestorePgRestoreStopsFailsWithItsOwnWordsNotABrokenPipe() throws Exception {
    byte[] stored = dump(new ArchiveWriter[1]);
    PG.dropDatabase("archive_clash");
    PG.createDatabase("archive_clash");
    PG.execute("archive_clash", "CREATE TABLE customers (id int)");

    // pg_restore stops at the clash, long before it has read the 20000 orders.
    var failure =
        assertThrows(
            PgToolException.class,
            () ->
                new ArchiveRestore(BINARIES, List.of())
                    .restore(
                        target(PG.password()),
                        "archive_clash",
                        new ByteArrayInputStream(stored),
                        List.of("--no-owner")));

    assertTrue(
        failure.getMessage().contains("relation \"customers\" already exists"),
        failure.getMessage());
    assertEquals(
        0,
        PG.queryLong("archive_clash", "SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"),
        "one transaction: nothing of the archive stays");
  }

  @Test
  void restoresThroughTheReaderAndPgRestore() throws Exception {
    byte[] stored = dump(new ArchiveWriter[1]);
    PG.dropDatabase("archive_restored");
    PG.createDatabase("archive_restored");

    try (PgProcess pgRestore =
        PgProcess.start(
            BINARIES.pgRestore(),
            target(PG.password()),
            "archive_restored",
            List.of("--no-owner", "--exit-on-error"))) {
      try (InputStream plain = ArchiveReader.open(new ByteArrayInputStream(stored));
          var stdin = pgRestore.stdin()) {
        plain.transferTo(stdin);
      }
      pgRestore.finish();
    }

    assertEquals(20000, PG.queryLong("archive_restored", "SELECT count(*) FROM orders"));
  }

  @Test
  void aFailureSaysWhyWithoutTheCredentials() {
    String wrong = "not-the-password-" + System.nanoTime();
    var e =
        assertThrows(
            PgToolException.class,
            () -> {
              try (PgProcess pgDump =
                  PgProcess.start(
                      BINARIES.pgDump(),
                      target(wrong),
                      "archive_src",
                      List.of("--format=custom"))) {
                pgDump.stdout().transferTo(java.io.OutputStream.nullOutputStream());
                pgDump.finish();
              }
            });
    assertTrue(e.getMessage().startsWith("pg_dump failed (exit 1): "), e.getMessage());
    assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    assertFalse(e.getMessage().contains(wrong));
  }

  @Test
  void refusesToDumpANewerServer() {
    int newer = (BINARIES.majorVersion() + 1) * 10000 + 2;
    var e = assertThrows(PgToolException.class, () -> BINARIES.requireCanDump(newer));
    assertTrue(
        e.getMessage()
            .contains("cannot dump a PostgreSQL " + (BINARIES.majorVersion() + 1) + " server"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("postgresql-client-" + (BINARIES.majorVersion() + 1)),
        e.getMessage());
    BINARIES.requireCanDump(BINARIES.majorVersion() * 10000);
  }
}
