package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server running as a child process, its output kept in a log file so a failing test can be
 * diagnosed afterwards. Its pid is written next to the log so that a later run can end a server
 * whose test JVM was killed before its shutdown hook ran.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String name, List<String> command, Path workDir) {
    try {
      Files.createDirectories(workDir);
      Path log = workDir.resolve(name + ".log");
      Process process =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Files.writeString(workDir.resolve("pid"), Long.toString(process.pid()));
      return new ChildProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + command.get(0), e);
    }
  }

  /**
   * A Java child process using the JDK that runs the tests. Tests want servers up quickly, so the
   * JIT stops at C1, unless {@code lifeboat.it.fullJit} is {@code true}: a benchmark wants the
   * servers as fast as in production, and C1 code, for one, hashes SHA-256 without the CPU's
   * instructions, several times slower.
   */
  static List<String> java(String maxHeap, String classpath, String mainClass, String... args) {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    var command = new java.util.ArrayList<String>();
    command.add(javaBin.toString());
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+UseSerialGC");
    if (!Boolean.getBoolean("lifeboat.it.fullJit")) {
      command.add("-XX:TieredStopAtLevel=1");
    }
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(List.of(args));
    return command;
  }

  void awaitReady(BooleanSupplier ready, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " during start-up; " + tail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      sleep(100);
    }
    close();
    throw new IllegalStateException(name + " was not ready within " + timeout + "; " + tail());
  }

  void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new IllegalStateException(name + " did not finish within " + timeout + "; " + tail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          name + " failed with exit code " + process.exitValue() + "; " + tail());
    }
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return "last lines of "
          + log
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "see " + log;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /**
   * Ends processes left behind under {@code baseDir} by test JVMs that died without cleaning up.
   */
  static void endStale(Path baseDir) {
    if (!Files.isDirectory(baseDir)) {
      return;
    }
    try (var dirs = Files.list(baseDir)) {
      dirs.map(dir -> dir.resolve("pid"))
          .filter(Files::isRegularFile)
          .forEach(ChildProcess::endIfOurs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void endIfOurs(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      String dir = pidFile.getParent().toString();
      ProcessHandle.of(pid)
          .filter(p -> p.info().commandLine().map(cmd -> cmd.contains(dir)).orElse(false))
          .ifPresent(
              p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
              });
      Files.deleteIfExists(pidFile);
    } catch (IOException | NumberFormatException e) {
      // An unreadable pid file belongs to no running server of ours.
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
