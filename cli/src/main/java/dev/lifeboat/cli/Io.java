package dev.lifeboat.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.Clock;
import java.util.Map;

/**
 * Where a command reads and writes: results on {@code out}, progress, prompts and errors on {@code
 * err}, answers from {@code prompt}, settings from {@code env}. Tests pass their own.
 *
 * @param errIsTerminal whether {@code err} is a terminal: only then is progress drawn as a bar
 */
public record Io(
    PrintStream out,
    PrintStream err,
    Prompt prompt,
    boolean errIsTerminal,
    Map<String, String> env,
    Clock clock) {

  /** Asks the user a question and returns the line typed, or null at end of input. */
  @FunctionalInterface
  public interface Prompt {
    String ask(String question);
  }

  /** The process's own streams and environment. */
  public static Io system() {
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
    return new Io(
        System.out,
        System.err,
        question -> {
          System.err.print(question);
          System.err.flush();
          try {
            return stdin.readLine();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        stderrIsTerminal(),
        System.getenv(),
        Clock.systemUTC());
  }

  /**
   * Java cannot ask whether stderr alone is a terminal; bin/lifeboat can ({@code [ -t 2 ]}) and
   * says so in {@code lifeboat.stderr.tty}. Without it, a console means an interactive session.
   */
  private static boolean stderrIsTerminal() {
    String told = System.getProperty("lifeboat.stderr.tty");
    if (told != null) {
      return Boolean.parseBoolean(told);
    }
    return System.console() != null;
  }

  public String env(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value;
  }
}
