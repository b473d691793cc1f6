package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testsupport.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/lifeboat} itself, as a user runs it: the launcher finds the packaged jar, reads the
 * environment, and a restore asks for its code on the real stdin.
 */
class LauncherIT {
  private static final Path LAUNCHER =
      Path.of("..", "bin", "lifeboat").toAbsolutePath().normalize();
  private static final Pattern CODE = Pattern.compile("type the confirmation code ([A-Z0-9-]+)");

  private static RunningServices services;

  @BeforeAll
  static void start() {
    services = RunningServices.shared();
    Shop.create(services.pg, "orders");
  }

  private static Process launch(Map<String, String> env, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_"));
    builder.environment().putAll(env);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return builder.start();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void aBackupAndAnInteractiveRestoreThroughTheLauncher() throws Exception {
    Map<String, String> env = services.env(Tokens.forRoles("rita", "lifeboat-responder"));

    Process backup = launch(env, "backup", "orders", "--wait", "--quiet");
    var backupOut = drain(backup.getInputStream());
    var backupErr = drain(backup.getErrorStream());
    assertTrue(backup.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, backup.exitValue(), backupErr.get());
    String backupId = backupOut.get().strip();
    assertTrue(backupId.startsWith("bk_"), backupId);

    Shop.badMigration(services.pg, "orders");
    Process restore = launch(env, "restore", backupId);
    var out = drain(restore.getInputStream());
    InputStream err = restore.getErrorStream();
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    String code = awaitQuestion(err, seen);
    try (OutputStream stdin = restore.getOutputStream()) {
      stdin.write(
          (code.toLowerCase(java.util.Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    var rest = drain(err);
    assertTrue(restore.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, restore.exitValue(), seen + rest.get());
    assertTrue(out.get().contains(" of orders: COMPLETED"), out.get());
    assertEquals(Shop.ORDERS, Shop.orders(services.pg, "orders"));
  }

  /** Reads stderr until the question for the code, and returns the code it shows. */
  private static String awaitQuestion(InputStream err, ByteArrayOutputStream seen)
      throws IOException {
    while (true) {
      int b = err.read();
      assertTrue(b >= 0, "the launcher ended without asking: " + seen);
      seen.write(b);
      String text = seen.toString(StandardCharsets.UTF_8);
      Matcher m = CODE.matcher(text);
      if (m.find() && text.endsWith("cancel: ")) {
        return m.group(1);
      }
    }
  }

  @Test
  void leavingAtTheQuestionCancelsThePlan() throws Exception {
    Map<String, String> env = services.env(Tokens.forRoles("rita", "lifeboat-responder"));
    Process backup = launch(env, "backup", "orders", "--wait", "--quiet");
    var backupOut = drain(backup.getInputStream());
    drain(backup.getErrorStream());
    assertTrue(backup.waitFor(120, TimeUnit.SECONDS));
    String backupId = backupOut.get().strip();

    Process restore = launch(env, "restore", backupId);
    var out = drain(restore.getInputStream());
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    InputStream err = restore.getErrorStream();
    awaitQuestion(err, seen);
    // Ctrl-C: the launcher execs java, so its pid is the JVM's.
    Process ctrlC = new ProcessBuilder("kill", "-INT", Long.toString(restore.pid())).start();
    assertEquals(0, ctrlC.waitFor());
    var rest = drain(err);
    assertTrue(restore.waitFor(60, TimeUnit.SECONDS));
    assertEquals(130, restore.exitValue(), seen + rest.get());
    assertTrue(rest.get().contains(" cancelled)"), seen + rest.get());
    Matcher planned = Pattern.compile("Restore plan (rs_\\S+)").matcher(out.get());
    assertTrue(planned.find(), out.get());

    var status =
        services
            .cli(Tokens.forRoles("rita", "lifeboat-responder"))
            .run("restore", planned.group(1), "--json");
    assertEquals(ExitCodes.FAILED, status.exitCode(), status.toString());
    assertTrue(status.out().contains("\"status\" : \"CANCELLED\""), status.out());
  }

  @Test
  void withoutATokenTheLauncherExitsFour() throws Exception {
    Process p = launch(services.env(null), "backups", "orders");
    var err = drain(p.getErrorStream());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ExitCodes.AUTH, p.exitValue());
    assertTrue(err.get().startsWith("error: no token"), err.get());
  }

  @Test
  void aMissingJarIsExplained() throws Exception {
    Process p =
        launch(Map.of("LIFEBOAT_CLI_JAR", "/nonexistent/lifeboat.jar"), "backups", "orders");
    var err = drain(p.getErrorStream());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ExitCodes.USAGE, p.exitValue());
    assertTrue(err.get().contains("./mvnw -q package -pl cli -am -DskipTests"), err.get());
  }
}
