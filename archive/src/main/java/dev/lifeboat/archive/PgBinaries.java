package dev.lifeboat.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL client programs Lifeboat runs (pg_dump, pg_restore), from a configured directory,
 * else the newest major version under /usr/lib/postgresql (Debian's layout), else the PATH.
 */
public final class PgBinaries {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
  private final Path dir;
  private final int majorVersion;

  private PgBinaries(Path dir, int majorVersion) {
    this.dir = dir;
    this.majorVersion = majorVersion;
  }

  /** Finds the client programs; {@code configuredDir} wins when present. */
  public static PgBinaries locate(Optional<Path> configuredDir) {
    Path dir =
        configuredDir
            .or(PgBinaries::newestDebian)
            .or(PgBinaries::onPath)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "pg_dump not found: install the PostgreSQL client (Debian: postgresql-client) or set lifeboat.postgres.bin-dir"));
    if (!Files.isExecutable(dir.resolve("pg_dump"))) {
      throw new IllegalStateException("no pg_dump in " + dir + " (lifeboat.postgres.bin-dir)");
    }
    return new PgBinaries(dir, readMajorVersion(dir.resolve("pg_dump")));
  }

  public Path pgDump() {
    return dir.resolve("pg_dump");
  }

  public Path pgRestore() {
    return dir.resolve("pg_restore");
  }

  public int majorVersion() {
    return majorVersion;
  }

  /**
   * pg_dump refuses servers newer than itself; say so before it runs, with what to install.
   *
   * @param serverVersionNum the server's {@code server_version_num}, e.g. 160004
   */
  public void requireCanDump(int serverVersionNum) {
    int serverMajor = serverVersionNum / 10000;
    if (serverMajor > majorVersion) {
      throw new PgToolException(
          "pg_dump "
              + majorVersion
              + " (in "
              + dir
              + ") cannot dump a PostgreSQL "
              + serverMajor
              + " server: install the PostgreSQL "
              + serverMajor
              + " client tools (Debian: postgresql-client-"
              + serverMajor
              + ") or newer and point lifeboat.postgres.bin-dir at them");
    }
  }

  static int readMajorVersion(Path program) {
    try {
      Process p =
          new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      Matcher m = VERSION.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("cannot read the version of " + program + " from: " + out);
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + program, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Path> newestDebian() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .filter(v -> Files.isExecutable(v.resolve("bin/pg_dump")))
          .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "pg_dump"))) {
        return Optional.of(Path.of(dir));
      }
    }
    return Optional.empty();
  }
}
