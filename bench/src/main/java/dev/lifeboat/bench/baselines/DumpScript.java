package dev.lifeboat.bench.baselines;

import dev.lifeboat.bench.measure.Sample;
import dev.lifeboat.bench.measure.Series;
import dev.lifeboat.bench.tools.PostgresTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The plain-tool backups Lifeboat is measured against, run as shell commands. */
public enum DumpScript {
  /** The logical-dump limit: pg_dump's own work, no compression, nothing stored. */
  LIMIT("limit", "pg_dump -Fc -Z0 %s > %s", null),
  /** pg_dump's custom format with its default compression: gzip, in pg_dump's own process. */
  CUSTOM_FORMAT("pg_dump -Fc", "pg_dump -Fc %s > %s", "dump"),
  /** What the runbooks do today. */
  GZIP_SCRIPT("runbook gzip", "pg_dump %s | gzip > %s", "sql.gz");

  private final String label;
  private final String template;
  private final String extension;

  DumpScript(String label, String template, String extension) {
    this.label = label;
    this.template = template;
    this.extension = extension;
  }

  public Series newSeries(String database) {
    String target = extension == null ? "/dev/null" : database + "." + extension;
    return new Series(label, template.formatted(database, target), extension != null);
  }

  /**
   * Dumps {@code database} once into {@code workDir}, and deletes the file once it is measured: the
   * benchmark must not fill the disk with copies of a 1.5 GB database.
   */
  public Sample run(PostgresTools tools, String database, Path workDir) {
    if (extension == null) {
      return new Sample(tools.shell(template.formatted(database, "/dev/null")), 0);
    }
    Path file = workDir.resolve(database + "." + extension);
    try {
      Files.createDirectories(workDir);
      try {
        Duration took = tools.shell(template.formatted(database, shellQuote(file.toString())));
        return new Sample(took, Files.size(file));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not measure " + file, e);
    }
  }

  private static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
