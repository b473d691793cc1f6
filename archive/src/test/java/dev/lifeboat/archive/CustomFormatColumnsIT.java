package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.TestServers;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The columns of each table, read from the table of contents of real pg_dump output. */
class CustomFormatColumnsIT {
  private static final PostgresEndpoint PG = TestServers.postgres();
  private static final PgBinaries BINARIES = PgBinaries.locate(Optional.of(PG.clientBinDir()));

  @BeforeAll
  static void database() {
    PG.dropDatabase("columns_src");
    PG.createDatabase("columns_src");
    PG.execute(
        "columns_src",
        """
        CREATE TABLE orders (id int PRIMARY KEY, note text, "Total (EUR)" numeric,
                             doubled int GENERATED ALWAYS AS (id * 2) STORED);
        INSERT INTO orders (id, note) SELECT g, 'n' || g FROM generate_series(1, 100) g;
        CREATE SCHEMA "Other";
        CREATE TABLE "Other"."Weird ""Name""\" (a int, "b,c" text);
        """);
  }

  private static byte[] dump(List<String> extra) throws Exception {
    var target =
        new TargetDatabase(
            "columns_src",
            PG.host(),
            PG.port(),
            "columns_src",
            PG.username(),
            Optional.of(PG.password()),
            Optional.empty(),
            7,
            Optional.empty());
    var args = new ArrayList<>(List.of("--format=custom"));
    args.addAll(extra);
    try (PgProcess pgDump = PgProcess.start(BINARIES.pgDump(), target, "columns_src", args)) {
      byte[] bytes = pgDump.stdout().readAllBytes();
      pgDump.finish();
      return bytes;
    }
  }

  @Test
  void namesEveryTablesColumnsWhateverTheCompression() throws Exception {
    var expected =
        Map.of(
            new TableName("public", "orders"),
            List.of("id", "note", "Total (EUR)"),
            new TableName("Other", "Weird \"Name\""),
            List.of("a", "b,c"));
    for (String compress : List.of("--compress=0", "--compress=6")) {
      var columns =
          CustomFormatScanner.columns(new ByteArrayInputStream(dump(List.of(compress))))
              .orElseThrow();
      assertEquals(expected, columns, compress);
    }
  }

  @Test
  void readsOnlyTheTableOfContents() throws Exception {
    byte[] archive = dump(List.of("--compress=0"));
    var in = new ByteArrayInputStream(archive);

    CustomFormatScanner.columns(in).orElseThrow();

    // The data blocks after the TOC stay unread.
    assertEquals(true, in.available() > 0);
  }
}
