package dev.lifeboat.bench.report;

import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.PostgresEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/** The machine and software the figures were measured on: without them they mean little. */
public record Machine(
    String cpus,
    String cpuModel,
    String memory,
    String kernel,
    String java,
    String postgres,
    String pgDump,
    String gzip) {
  private static final String UNKNOWN = "unknown";

  /**
   * How the benchmarks' PostgreSQL ran ({@code TestServers.useDurablePostgres()}), for the reports:
   * figures taken without durability would describe a server no user runs.
   */
  public static final String POSTGRES_DURABILITY =
      "its default durability settings, `fsync`, `synchronous_commit` and `full_page_writes` on";

  public static Machine describe(PostgresEndpoint pg, PostgresTools tools) {
    return new Machine(
        firstLine("nproc"),
        procField("/proc/cpuinfo", "model name"),
        procField("/proc/meminfo", "MemTotal"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        javaRuntime(),
        serverVersion(pg),
        tools.version("pg_dump"),
        firstLine("gzip", "--version"));
  }

  /** The JVM that runs the benchmark: its name and exact version. */
  public static String javaRuntime() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  /**
   * The value of {@code field} in a {@code /proc} file of {@code field: value} lines, such as
   * {@code MemTotal} in {@code /proc/meminfo}; "unknown" if the file has no such line.
   *
   * @throws UncheckedIOException if the file cannot be read
   */
  public static String procField(String file, String field) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(field))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse(UNKNOWN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * {@link #procField}, or "unknown" where the file cannot be read: for a report that only
   * describes the machine and measures nothing else from {@code /proc}.
   */
  public static String procFieldIfReadable(String file, String field) {
    try {
      return procField(file, field);
    } catch (UncheckedIOException e) {
      return UNKNOWN;
    }
  }

  /**
   * The load average over 1, 5 and 15 minutes, from {@code /proc/loadavg}, as {@code "0.52, 0.58,
   * 0.59"}; "unknown" where it cannot be read.
   */
  public static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException e) {
      return UNKNOWN;
    }
  }

  private static String firstLine(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse(UNKNOWN).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String serverVersion(PostgresEndpoint pg) {
    try (var c = pg.connect("postgres");
        var s = c.createStatement();
        var rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return "PostgreSQL " + rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the server version", e);
    }
  }
}
