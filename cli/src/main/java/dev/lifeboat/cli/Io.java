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

    /**
     * Whether someone can answer: stdin is a terminal. Commands that must not read a confirmation
     * from a pipe (e.g. {@code delete}) ask only then, and otherwise want {@code --yes}.
     */
    default boolean interactive() {
      return true;
    }
  }

  /** The process's own streams and environment. */
  public static Io system() {
    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
    boolean stdinIsTerminal = isTerminal("lifeboat.stdin.tty");
    Prompt prompt =
        new Prompt() {
          @Override
          public String ask(String question) {
            System.err.print(question);
            System.err.flush();
            try {
              return stdin.readLine();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }

          @Override
          public boolean interactive() {
            return stdinIsTerminal;
          }
        };
    return new Io(
        System.out,
        System.err,
        prompt,
        isTerminal("lifeboat.stderr.tty"),
        System.getenv(),
        Clock.systemUTC());
  }

  /**
   * Java cannot ask whether stdin or stderr alone is a terminal; bin/lifeboat can ({@code [ -t 0
   * ]}, {@code [ -t 2 ]}) and says so in {@code lifeboat.stdin.tty} and {@code
   * lifeboat.stderr.tty}. Without it, a console means an interactive session.
   */
  private static boolean isTerminal(String property) {
    String told = System.getProperty(property);
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
