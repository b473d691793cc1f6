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

  public static Machine describe(PostgresEndpoint pg, PostgresTools tools) {
    return new Machine(
        firstLine("nproc"),
        procField("/proc/cpuinfo", "model name"),
        procField("/proc/meminfo", "MemTotal"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        serverVersion(pg),
        tools.version("pg_dump"),
        firstLine("gzip", "--version"));
  }

  private static String procField(String file, String field) {
    try {
      return Files.readAllLines(Path.of(file)).stream()
          .filter(line -> line.startsWith(field))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static String firstLine(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("unknown").trim();
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
