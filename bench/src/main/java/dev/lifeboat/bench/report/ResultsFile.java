package dev.lifeboat.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a benchmark's report ends up: on the console, and as a file in the results directory. */
public final class ResultsFile {
  private ResultsFile() {}

  /**
   * Prints {@code markdown} and writes it as {@code fileName} in {@code dir}, creating the
   * directory if need be; returns the file's path.
   */
  public static Path write(Path dir, String fileName, String markdown) {
    System.out.println();
    System.out.println(markdown);
    Path file = dir.resolve(fileName);
    try {
      Files.createDirectories(dir);
      Files.writeString(file, markdown);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
