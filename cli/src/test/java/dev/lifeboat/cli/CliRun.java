package dev.lifeboat.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Runs the CLI in this JVM with its own environment, capturing what it prints. */
public final class CliRun {
  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err, List<String> questions) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> env = new HashMap<>();
  private Function<String, String> answers = question -> null;
  private Clock clock = Clock.systemUTC();
  private boolean terminal;
  private boolean interactive = true;

  public CliRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** How the user answers a prompt, given its text; null is the end of input. */
  public CliRun answers(Function<String, String> answers) {
    this.answers = answers;
    return this;
  }

  /** Whether stderr is to look like a terminal (progress bars) or not (plain lines). */
  public CliRun terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  /** Whether stdin is to look like a terminal (the default) or a pipe that cannot confirm. */
  public CliRun interactive(boolean interactive) {
    this.interactive = interactive;
    return this;
  }

  public CliRun clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> questions = new ArrayList<>();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    Io io =
        new Io(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            errStream,
            new Io.Prompt() {
              @Override
              public String ask(String question) {
                questions.add(question);
                errStream.print(question);
                String answer = answers.apply(question);
                errStream.println(answer == null ? "<end of input>" : answer);
                return answer;
              }

              @Override
              public boolean interactive() {
                return interactive;
              }
            },
            terminal,
            Map.copyOf(env),
            clock);
    int code = Lifeboat.run(io, args);
    return new Result(
        code,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        questions);
  }
}
