package dev.lifeboat.bench.tools;

import dev.lifeboat.testsupport.PostgresEndpoint;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs PostgreSQL's client programs (pgbench, pg_dump, shell scripts around them) against the
 * benchmark's server, as an operator would: the connection comes from {@code PGHOST} and friends,
 * and the programs of the server's version come first on the {@code PATH}.
 */
public final class PostgresTools {
  private final PostgresEndpoint pg;

  public PostgresTools(PostgresEndpoint pg) {
    this.pg = pg;
  }

  /** Runs {@code script} with bash, failing on any failed stage of a pipe; returns its duration. */
  public Duration shell(String script) {
    return shell(script, Map.of());
  }

  /**
   * Runs {@code script} as {@link #shell(String)} does, with {@code environment} added to its
   * environment: for credentials, which must not appear on a command line.
   */
  public Duration shell(String script, Map<String, String> environment) {
    return run(List.of("bash", "-c", "set -o pipefail; " + script), environment);
  }

  /** Runs a program from the client directory by name; returns its duration. */
  public Duration program(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(pg.clientBinDir().resolve(name).toString());
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  /** The first line a client program prints for {@code --version}. */
  public String version(String name) {
    try {
      Process p = builder(List.of(name, "--version"), Map.of()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.lines().findFirst().orElse("?").trim();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Duration run(List<String> command, Map<String, String> environment) {
    try {
      long started = System.nanoTime();
      Process p = builder(command, environment).start();
      // Only diagnostics arrive here: every dump goes to a file, /dev/null or S3.
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int exit = p.waitFor();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      if (exit != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (exit " + exit + "):\n" + output);
      }
      return took;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private ProcessBuilder builder(List<String> command, Map<String, String> environment) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("PG"));
    env.put("PGHOST", pg.host());
    env.put("PGPORT", Integer.toString(pg.port()));
    env.put("PGUSER", pg.username());
    env.put("PGPASSWORD", pg.password());
    env.put("PATH", pg.clientBinDir() + File.pathSeparator + env.getOrDefault("PATH", ""));
    env.putAll(environment);
    return builder;
  }
}
