package dev.lifeboat.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Which backup-service the figures belong to: the commit checked out and whether the service's
 * sources differed from it, and when its jar was built.
 */
public record ServiceBuild(String commit, boolean uncommittedChanges, Instant builtAt) {
  private static final List<String> SOURCES = List.of("backup-service", "common", "archive");

  public static ServiceBuild of(Path jar, Path repository) {
    try {
      String commit = git(repository, "rev-parse", "--short", "HEAD").output();
      List<String> diff = new ArrayList<>(List.of("diff", "--quiet", "HEAD", "--"));
      diff.addAll(SOURCES);
      boolean changed = git(repository, diff.toArray(String[]::new)).exit() != 0;
      return new ServiceBuild(
          commit,
          changed,
          Files.getLastModifiedTime(jar).toInstant().truncatedTo(ChronoUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot describe the build of " + jar, e);
    }
  }

  private record Run(int exit, String output) {}

  /** Read-only git commands: the benchmark never changes the repository. */
  private static Run git(Path repository, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      return new Run(p.waitFor(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String describe() {
    return "built "
        + builtAt
        + " from commit "
        + commit
        + (uncommittedChanges ? " with uncommitted changes in " + String.join(", ", SOURCES) : "");
  }
}
