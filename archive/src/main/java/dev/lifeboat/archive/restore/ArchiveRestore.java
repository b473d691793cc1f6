package dev.lifeboat.archive.restore;

import dev.lifeboat.archive.ArchiveReader;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.PgProcess;
import dev.lifeboat.archive.server.ExactRowCounts;
import dev.lifeboat.archive.server.TargetServer;
import dev.lifeboat.common.databases.TargetDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a stored archive into a database with {@code pg_restore} (stored bytes → decrypt → zstd →
 * stdin, nothing held in memory), and compares what arrived with the manifest. Used by restores and
 * by restore drills alike.
 */
public final class ArchiveRestore {
  private final PgBinaries binaries;
  private final List<String> identities;

  /**
   * @param identities age identities that decrypt encrypted archives; empty when none are
   */
  public ArchiveRestore(PgBinaries binaries, List<String> identities) {
    this.binaries = binaries;
    this.identities = List.copyOf(identities);
  }

  /**
   * Restores {@code stored} (the bytes of a dump object, as stored) into the existing database
   * {@code database} on the target's server, in one transaction, stopping at the first error.
   *
   * @param options further pg_restore options, such as {@code --table}
   */
  public void restore(
      TargetDatabase target, String database, InputStream stored, List<String> options)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("--exit-on-error", "--single-transaction"));
    args.addAll(options);
    try (PgProcess pgRestore = PgProcess.start(binaries.pgRestore(), target, database, args)) {
      feed(stored, pgRestore);
    }
  }

  /** Told how a restore goes, as pg_restore reports it. */
  public interface Observer {
    /** pg_restore runs: whoever must be able to stop it early can end this process. */
    default void started(ProcessHandle pgRestore) {}

    /** pg_restore began loading the data of a table, named {@code schema.table}. */
    default void tableStarted(String qualifiedName) {}
  }

  private static final String PROCESSING_DATA = "pg_restore: processing data for table \"";

  /**
   * Restores as {@link #restore(TargetDatabase, String, InputStream, List)} does, telling {@code
   * observer} the pg_restore process and each table whose data it loads ({@code --verbose}, whose
   * chatter is kept out of the failure message).
   */
  public void restore(
      TargetDatabase target,
      String database,
      InputStream stored,
      List<String> options,
      Observer observer)
      throws IOException {
    List<String> args =
        new ArrayList<>(List.of("--exit-on-error", "--single-transaction", "--verbose"));
    args.addAll(options);
    try (PgProcess pgRestore =
        PgProcess.start(
            binaries.pgRestore(),
            target,
            database,
            args,
            line -> {
              if (line.startsWith(PROCESSING_DATA) && line.endsWith("\"")) {
                observer.tableStarted(line.substring(PROCESSING_DATA.length(), line.length() - 1));
                return true;
              }
              return informational(line);
            })) {
      observer.started(pgRestore.handle());
      feed(stored, pgRestore);
    }
  }

  /**
   * Streams the archive into pg_restore and waits for it. Should pg_restore stop early, on an error
   * of the archive's SQL with {@code --exit-on-error}, writing to it fails with a broken pipe; its
   * own error says what went wrong.
   */
  private void feed(InputStream stored, PgProcess pgRestore) throws IOException {
    try (InputStream plain = ArchiveReader.open(stored, identities);
        OutputStream stdin = pgRestore.stdin()) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = plain.read(buffer)) >= 0; ) {
        try {
          stdin.write(buffer, 0, n);
        } catch (IOException brokenPipe) {
          pgRestore.finish();
          throw brokenPipe;
        }
      }
    }
    pgRestore.finish();
  }

  /** pg_restore's --verbose lines, as opposed to its errors, warnings and their details. */
  private static boolean informational(String line) {
    return line.startsWith("pg_restore: ")
        && !line.startsWith("pg_restore: error")
        && !line.startsWith("pg_restore: warning")
        && !line.startsWith("pg_restore: detail")
        && !line.startsWith("pg_restore: hint");
  }

  /**
   * The archive's table of contents as {@code pg_restore --list --verbose} prints it (with each
   * entry's dependencies), for a restore of selected entries with {@code --use-list}. Reads only
   * the start of {@code stored}.
   */
  public String tableOfContents(TargetDatabase target, InputStream stored) throws IOException {
    try (PgProcess pgRestore =
        PgProcess.start(binaries.pgRestore(), target, "postgres", List.of("--list", "--verbose"))) {
      var listing = new java.io.ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try (InputStream out = pgRestore.stdout()) {
                  out.transferTo(listing);
                } catch (IOException e) {
                  // pg_restore ended; what it printed is what there is.
                }
              },
              "pg_restore-list");
      reader.setDaemon(true);
      reader.start();
      try (InputStream plain = ArchiveReader.open(stored, identities);
          OutputStream stdin = pgRestore.stdin()) {
        plain.transferTo(stdin);
      } catch (IOException e) {
        // pg_restore stops reading once it has the table of contents: a closed pipe is expected.
      }
      pgRestore.finish();
      try {
        reader.join(java.util.concurrent.TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while reading the table of contents", e);
      }
      return listing.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * The tables of the manifest whose row count in {@code database} differs from the manifest's
   * exact count, one line each; empty when all match.
   */
  public static List<String> rowCountDifferences(
      TargetDatabase target, String database, List<Manifest.Table> tables) throws SQLException {
    List<String> differences = new ArrayList<>();
    try (Connection c = TargetServer.connect(target, database);
        Statement s = c.createStatement()) {
      for (Manifest.Table t : tables) {
        var counted = ExactRowCounts.of(s, t.schema(), t.name());
        if (counted.isEmpty()) {
          differences.add(
              t.schema() + "." + t.name() + ": missing, " + t.rows() + " in the manifest");
          continue;
        }
        long rows = counted.getAsLong();
        if (rows != t.rows()) {
          differences.add(
              t.schema()
                  + "."
                  + t.name()
                  + ": "
                  + rows
                  + " restored, "
                  + t.rows()
                  + " in the manifest");
        }
      }
    }
    return differences;
  }
}
