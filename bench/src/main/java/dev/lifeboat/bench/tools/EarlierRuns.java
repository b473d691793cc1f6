package dev.lifeboat.bench.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes the server directories that earlier benchmark runs left under {@code target/lifeboat-it}:
 * each holds a copy of the datasets and the stored backups, gigabytes at full scale. test-support
 * names them {@code <server>-<start millis>} and keeps them for diagnosis; the current run's stay.
 */
public final class EarlierRuns {
  private EarlierRuns() {}

  /**
   * Call once this run's servers have started: starting them ended any server an earlier run left
   * running, so that nothing older than {@code startedMillis} is in use.
   */
  public static void remove(Path baseDir, long startedMillis) {
    if (!Files.isDirectory(baseDir)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(baseDir)) {
      for (Path dir : dirs.filter(dir -> startedBefore(dir, startedMillis)).toList()) {
        delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + baseDir, e);
    }
  }

  private static boolean startedBefore(Path dir, long startedMillis) {
    String name = dir.getFileName().toString();
    if (!Files.isDirectory(dir) || !name.matches("[a-z0-9]+-[0-9]+")) {
      return false;
    }
    return Long.parseLong(name.substring(name.lastIndexOf('-') + 1)) < startedMillis;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> tree = Files.walk(dir)) {
      List<Path> paths = tree.sorted(Comparator.reverseOrder()).toList();
      for (Path path : paths) {
        Files.delete(path);
      }
    }
  }
}
