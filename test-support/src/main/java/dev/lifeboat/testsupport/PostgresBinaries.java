package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the PostgreSQL server and client programs of this machine. */
public final class PostgresBinaries {
  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  private PostgresBinaries() {}

  /**
   * The directory holding initdb, pg_ctl, pg_dump and pg_restore: {@code LIFEBOAT_PG_BINDIR}, else
   * the newest major version under /usr/lib/postgresql, else the directory of initdb on the PATH.
   */
  public static Path binDir() {
    String configured = System.getenv("LIFEBOAT_PG_BINDIR");
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured);
      if (!Files.isExecutable(dir.resolve("initdb"))) {
        throw new IllegalStateException("LIFEBOAT_PG_BINDIR=" + dir + " holds no initdb");
      }
      return dir;
    }
    return newestDebianBinDir()
        .or(PostgresBinaries::onPath)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package"
                        + " 'postgresql' (apt-get install postgresql) or set LIFEBOAT_PG_BINDIR"));
  }

  /** The major version of the binaries in {@link #binDir()}, e.g. 15. */
  public static int majorVersion(Path binDir) {
    try {
      Process p = new ProcessBuilder(binDir.resolve("pg_dump").toString(), "--version").start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      // "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
      String version = out.replaceAll("^.*\\(PostgreSQL\\) ([0-9]+).*$", "$1");
      return Integer.parseInt(version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Optional<Path> newestDebianBinDir() {
    if (!Files.isDirectory(DEBIAN_ROOT)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(DEBIAN_ROOT)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("[0-9]+"))
          .map(v -> v.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(
              Comparator.comparingInt(
                  bin -> Integer.parseInt(bin.getParent().getFileName().toString())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Path> onPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path initdb = Path.of(dir).resolve("initdb");
      if (Files.isExecutable(initdb)) {
        try {
          return Optional.of(initdb.toRealPath().getParent());
        } catch (IOException e) {
          return Optional.of(Path.of(dir));
        }
      }
    }
    return Optional.empty();
  }
}
