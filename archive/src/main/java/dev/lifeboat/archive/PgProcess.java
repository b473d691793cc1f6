package dev.lifeboat.archive;

import dev.lifeboat.common.databases.TargetDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A running pg_dump or pg_restore. The connection's host, port, user and password reach it through
 * its environment ({@code PGHOST}, {@code PGPASSWORD}, ...), never its argument list, so they do
 * not show in {@code ps}. What it writes to stderr is kept (the last 16 KiB) for the failure
 * message, with the password blanked out.
 */
public final class PgProcess implements AutoCloseable {
  private static final int STDERR_KEPT = 16 * 1024;

  private final String program;
  private final Process process;
  private final Thread stderrReader;
  private final StringBuilder stderr = new StringBuilder();
  private final String password;
  private final Predicate<String> informational;

  private PgProcess(
      String program, Process process, String password, Predicate<String> informational) {
    this.program = program;
    this.process = process;
    this.password = password;
    this.informational = informational;
    this.stderrReader = new Thread(this::collectStderr, program + "-stderr");
    this.stderrReader.setDaemon(true);
    this.stderrReader.start();
  }

  /**
   * Starts {@code program} against {@code database} of the target's server.
   *
   * @param database the database to connect to (the target's, or a scratch database beside it)
   */
  public static PgProcess start(
      Path program, TargetDatabase target, String database, List<String> args) {
    return start(program, target, database, args, null);
  }

  /**
   * The same, reading stderr line by line: a line {@code informational} accepts (as with {@code
   * --verbose}, to follow the program's progress) is not kept for the failure message.
   */
  public static PgProcess start(
      Path program,
      TargetDatabase target,
      String database,
      List<String> args,
      Predicate<String> informational) {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.add("--dbname=" + database);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("PG"));
    env.put("PGHOST", target.host());
    env.put("PGPORT", Integer.toString(target.port()));
    env.put("PGUSER", target.username());
    target.password().ifPresent(p -> env.put("PGPASSWORD", p));
    env.put("PGAPPNAME", "lifeboat");
    env.put("PGCONNECT_TIMEOUT", "10");
    // TLS as the target's URL says (sslmode, sslrootcert, ...): libpq reads it from here.
    env.putAll(target.tls().libpqEnvironment());
    // Messages in English whatever the machine's locale: they end up in events for humans.
    env.put("LC_MESSAGES", "C");
    String name = program.getFileName().toString();
    try {
      return new PgProcess(name, builder.start(), target.password().orElse(null), informational);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + program, e);
    }
  }

  /** The running program, for whoever must be able to end it early (a cancelled restore). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** What the program writes (pg_dump's archive). */
  public InputStream stdout() {
    return process.getInputStream();
  }

  /** What the program reads (pg_restore's archive). */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /**
   * Waits for the program to end; a non-zero exit becomes a {@link PgToolException} that quotes its
   * stderr.
   */
  public void finish() {
    int exit;
    try {
      exit = process.waitFor();
      stderrReader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new PgToolException(program + " was interrupted");
    }
    if (exit != 0) {
      String said = stderr().strip();
      throw new PgToolException(
          program + " failed (exit " + exit + ")" + (said.isEmpty() ? "" : ": " + said));
    }
  }

  /** What the program said on stderr so far, credentials redacted. */
  public String stderr() {
    String text;
    synchronized (stderr) {
      text = stderr.toString();
    }
    return password == null || password.isEmpty() ? text : text.replace(password, "***");
  }

  /** Ends the program if it still runs (a cancelled or failed backup). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private void collectStderr() {
    if (informational != null) {
      collectStderrLines();
      return;
    }
    byte[] buffer = new byte[4096];
    try (InputStream err = process.getErrorStream()) {
      for (int n; (n = err.read(buffer)) > 0; ) {
        synchronized (stderr) {
          stderr.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          if (stderr.length() > STDERR_KEPT) {
            stderr.delete(0, stderr.length() - STDERR_KEPT);
          }
        }
      }
    } catch (IOException e) {
      // The process ended; what was read is what there is.
    }
  }

  private void collectStderrLines() {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = err.readLine()) != null; ) {
        if (!informational.test(line)) {
          synchronized (stderr) {
            stderr.append(line).append('\n');
            if (stderr.length() > STDERR_KEPT) {
              stderr.delete(0, stderr.length() - STDERR_KEPT);
            }
          }
        }
      }
    } catch (IOException e) {
      // The process ended; what was read is what there is.
    }
  }
}
