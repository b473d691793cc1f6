package dev.lifeboat.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.testsupport.ImageSettings;
import dev.lifeboat.testsupport.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The runbook's incident, end to end on {@code bin/stack up}: a pre-migration backup, a bad
 * migration, a confirmed SWAP restore and a health check, all through the HTTP APIs as a user would
 * drive them, then {@code bin/stack down} with nothing left running. The stack gets free ports and
 * its own state directory, so a developer's own stack is never touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackIT {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> TABLES =
      List.of("customers", "products", "orders", "order_items", "payments");

  private static final Map<String, String> ENV = new LinkedHashMap<>();
  private static String upOutput = "";
  private static Path stackDir;
  private static boolean started;

  @BeforeAll
  static void up() throws Exception {
    stackDir = ROOT.resolve("stack-tests/target/stack");
    deleteRecursively(stackDir);
    ENV.put("LIFEBOAT_STACK_MODE", "local");
    ENV.put("LIFEBOAT_STACK_DIR", stackDir.toString());
    ENV.put("LIFEBOAT_PG_PORT", String.valueOf(Ports.free()));
    int kafka = Ports.free();
    ENV.put("LIFEBOAT_KAFKA", "127.0.0.1:" + kafka);
    ENV.put("LIFEBOAT_KAFKA_CONTROLLER_PORT", String.valueOf(Ports.free()));
    ENV.put("LIFEBOAT_S3_ENDPOINT", "http://127.0.0.1:" + Ports.free());
    ENV.put("LIFEBOAT_BACKUP_PORT", String.valueOf(Ports.free()));
    ENV.put("LIFEBOAT_RESTORE_PORT", String.valueOf(Ports.free()));
    ENV.put("LIFEBOAT_HEALTH_PORT", String.valueOf(Ports.free()));
    ENV.put("LIFEBOAT_AUDIT_PORT", String.valueOf(Ports.free()));
    started = true;
    Run up = stack(Duration.ofMinutes(10), "up");
    assertEquals(0, up.exit(), "bin/stack up failed:\n" + up.output());
    assertTrue(up.output().contains("Lifeboat is up"), up.output());
    upOutput = up.output();
  }

  /**
   * Each service runs with the JVM options and malloc arenas its image sets (the ENV of
   * docker/Dockerfile.<service>): what a user tries through bin/stack is what containers run.
   */
  private static void assertServicesRunAsTheirImages(String status) throws IOException {
    for (String service :
        List.of("backup-service", "restore-service", "health-service", "audit-service")) {
      String line =
          status
              .lines()
              .filter(l -> l.startsWith(service + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError(service + " not in: " + status));
      String pid = line.split("\\s+")[2];
      List<String> command =
          List.of(Files.readString(Path.of("/proc", pid, "cmdline")).split("\0"));
      for (String option : ImageSettings.jvmOptions(ROOT, service)) {
        assertTrue(command.contains(option), service + " runs without " + option + ": " + command);
      }
      List<String> environment =
          List.of(Files.readString(Path.of("/proc", pid, "environ")).split("\0"));
      ImageSettings.processEnvironment(ROOT, service)
          .forEach(
              (name, value) ->
                  assertTrue(
                      environment.contains(name + "=" + value),
                      service + " runs without its image's " + name + "=" + value));
    }
  }

  @AfterAll
  static void down() throws Exception {
    if (started) {
      stack(Duration.ofMinutes(3), "down");
    }
  }

  @Test
  @Order(1)
  void backupBadMigrationRestoreAndCheckThroughTheApis() throws Exception {
    Map<String, String> env = env();
    Run status = stack(Duration.ofMinutes(1), "status");
    assertEquals(0, status.exit(), status.output());
    assertEquals(
        7,
        status.output().lines().filter(l -> l.matches("\\S+\\s+up\\s+\\d+\\s+.*")).count(),
        status.output());
    assertServicesRunAsTheirImages(status.output());

    String admin =
        stack(Duration.ofMinutes(1), "token", "--role", "lifeboat-admin").output().strip();
    assertEquals(3, admin.split("\\.").length, "token prints just the JWT: " + admin);
    String viewer =
        stack(Duration.ofMinutes(1), "token", "--role", "lifeboat-viewer").output().strip();

    Map<String, String> before = contents();
    assertTrue(
        Long.parseLong(before.get("order_items").split(":")[0]) >= 200_000, before.toString());

    // 1. The pipeline's pre-migration backup.
    JsonNode requested =
        post(
            env.get("LIFEBOAT_BACKUP_URL") + "/api/v1/backups",
            admin,
            "{\"database\":\"app\",\"reason\":\"pre-migration\",\"migration\":\"20261121_tidy_customers\"}",
            202);
    String backupId = requested.get("backupId").asText();
    JsonNode backup =
        await(env.get("LIFEBOAT_BACKUP_URL") + "/api/v1/backups/" + backupId, viewer, "COMPLETED");
    assertEquals("20261121_tidy_customers", backup.get("migration").asText());

    // 2. The bad migration: a dropped column, deleted rows, corrupted values.
    try (Connection c = app();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE customers DROP COLUMN country");
      s.execute("DELETE FROM payments WHERE id % 3 = 0");
      s.execute("UPDATE products SET price_cents = 1");
    }
    assertNotEquals(before, contents());

    // 3. The responder plans a SWAP restore, sees the data loss, confirms with the code.
    JsonNode plan =
        post(
            env.get("LIFEBOAT_RESTORE_URL") + "/api/v1/restores",
            admin,
            "{\"backupId\":\"" + backupId + "\",\"database\":\"app\",\"mode\":\"SWAP\"}",
            201);
    String restoreId = plan.get("restoreId").asText();
    JsonNode payments = null;
    for (JsonNode t : plan.get("dataLoss").get("tables")) {
      if (t.get("name").asText().equals("payments")) {
        payments = t;
      }
    }
    assertTrue(
        payments != null
            && payments.get("rowsNow").asLong() < payments.get("rowsInBackup").asLong(),
        plan.toString());
    post(
        env.get("LIFEBOAT_RESTORE_URL") + "/api/v1/restores/" + restoreId + "/confirm",
        admin,
        "{\"confirmationCode\":\"" + plan.get("confirmationCode").asText() + "\"}",
        202);
    await(env.get("LIFEBOAT_RESTORE_URL") + "/api/v1/restores/" + restoreId, viewer, "COMPLETED");

    // 4. The database is the pre-migration one again, the broken one kept as the undo.
    assertEquals(before, contents());
    try (Connection c = app();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_database WHERE datname = 'app_pre_" + restoreId + "'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the broken database is kept as app_pre_" + restoreId);
    }

    // 5. And health-service finds it healthy. It checks by itself after every restore; an API
    // check asked for meanwhile gets 409 until that one is done.
    HttpResponse<String> check = null;
    for (int attempt = 0; attempt < 60; attempt++) {
      check =
          send(env.get("LIFEBOAT_HEALTH_URL") + "/api/v1/checks", admin, "{\"database\":\"app\"}");
      if (check.statusCode() != 409) {
        break;
      }
      Thread.sleep(1000);
    }
    assertEquals(201, check.statusCode(), check.body());
    assertEquals("HEALTHY", JSON.readTree(check.body()).get("status").asText(), check.body());
  }

  @Test
  @Order(2)
  void everyLinkUpPrintsAnswers() throws Exception {
    List<String> links =
        Pattern.compile("http://\\S+/q/swagger-ui")
            .matcher(upOutput)
            .results()
            .map(MatchResult::group)
            .toList();
    assertEquals(4, links.size(), "an API explorer per service: " + upOutput);
    for (String link : links) {
      HttpResponse<String> page =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(link + "/")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), link);
      assertTrue(page.body().contains("swagger-ui"), link + " serves the explorer");
    }
  }

  @Test
  @Order(3)
  void aDatabaseOfYourOwnIsProtectedInThreeCommands() throws Exception {
    // The user's database, owned by a role of its own whose password no shell would pass whole.
    String password = "pa$${s} w'rd\\";
    try (Connection c = DriverManager.getConnection(jdbc("postgres"), "lifeboat", "lifeboat");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS ledger");
      s.execute("DROP ROLE IF EXISTS ledger_owner");
      s.execute("CREATE ROLE ledger_owner LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      s.execute("CREATE DATABASE ledger OWNER ledger_owner");
    }
    try (Connection c = DriverManager.getConnection(jdbc("ledger"), "ledger_owner", password);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE entries (id int PRIMARY KEY, amount numeric)");
      s.execute("INSERT INTO entries SELECT g, g * 1.5 FROM generate_series(1, 1000) g");
    }
    String url = "postgresql://ledger_owner@127.0.0.1:" + ENV.get("LIFEBOAT_PG_PORT") + "/ledger";

    // 1. Add it: the password on standard input, never on the command line or in the output.
    Run add = stackWithInput(password + "\n", "target", "add", "ledger", url);
    assertEquals(0, add.exit(), add.output());
    assertFalse(add.output().contains(password), "the password is never printed: " + add.output());
    Run list = stack(Duration.ofMinutes(1), "target", "list");
    assertEquals(0, list.exit(), list.output());
    assertTrue(list.output().contains("ledger\tpostgresql://127.0.0.1:"), list.output());
    assertFalse(list.output().contains(password), list.output());

    // 2. Back it up, as any pipeline would: the running services picked the target up.
    String admin =
        stack(Duration.ofMinutes(1), "token", "--role", "lifeboat-admin").output().strip();
    Map<String, String> env = env();
    String backupId =
        post(
                env.get("LIFEBOAT_BACKUP_URL") + "/api/v1/backups",
                admin,
                "{\"database\":\"ledger\",\"reason\":\"my own\"}",
                202)
            .get("backupId")
            .asText();
    JsonNode backup =
        await(env.get("LIFEBOAT_BACKUP_URL") + "/api/v1/backups/" + backupId, admin, "COMPLETED");
    JsonNode entries = backup.get("tables").get(0);
    assertEquals("entries", entries.get("name").asText(), backup.toString());
    assertEquals(1000, entries.get("rows").asLong(), backup.toString());

    // 3. Remove it: kept nowhere any more, and the services refuse it by name.
    Run remove = stack(Duration.ofMinutes(3), "target", "remove", "ledger");
    assertEquals(0, remove.exit(), remove.output());
    assertEquals("", stack(Duration.ofMinutes(1), "target", "list").output().strip());
    HttpResponse<String> refused =
        send(
            env.get("LIFEBOAT_BACKUP_URL") + "/api/v1/backups",
            admin,
            "{\"database\":\"ledger\",\"reason\":\"gone\"}");
    assertEquals(400, refused.statusCode(), refused.body());
  }

  @Test
  @Order(4)
  void downStopsEverythingItStartedAndStatusSaysSo() throws Exception {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> files = Files.list(stackDir.resolve("pids"))) {
      for (Path f : files.toList()) {
        pids.add(Long.parseLong(Files.readString(f).strip()));
      }
    }
    assertEquals(6, pids.size(), "kafka, s3 and four services are recorded: " + pids);
    Run down = stack(Duration.ofMinutes(3), "down");
    assertEquals(0, down.exit(), down.output());
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
    }
    for (String port : List.of("LIFEBOAT_PG_PORT", "LIFEBOAT_BACKUP_PORT", "LIFEBOAT_AUDIT_PORT")) {
      assertFalse(listening(Integer.parseInt(ENV.get(port))), port + " still open");
    }
    Run status = stack(Duration.ofMinutes(1), "status");
    assertNotEquals(0, status.exit(), "status of a stopped stack: " + status.output());
    assertEquals(
        7,
        status.output().lines().filter(l -> l.matches("\\S+\\s+down\\s+.*")).count(),
        status.output());
  }

  // --- helpers ---------------------------------------------------------------------------------

  record Run(int exit, String output) {}

  private static Run stack(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("bin/stack").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().putAll(ENV);
    builder.redirectErrorStream(!args[0].equals("token"));
    if (args[0].equals("token")) {
      builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bin/stack " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /**
   * The settings as a user gets them: {@code eval "$(bin/stack env)"} in a shell, read by a child
   * of that shell (as the CLI is). The shell first forgets the test's own LIFEBOAT_* variables, so
   * only what the eval exported reaches the child.
   */
  /** bin/stack with {@code input} on its standard input, as a user pipes a password in. */
  private static Run stackWithInput(String input, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("bin/stack").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().putAll(ENV);
    builder.redirectErrorStream(true);
    Process p = builder.start();
    try (var stdin = p.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("bin/stack " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static String jdbc(String database) {
    return "jdbc:postgresql://127.0.0.1:" + ENV.get("LIFEBOAT_PG_PORT") + "/" + database;
  }

  private static Map<String, String> env() throws Exception {
    String script =
        "lines=\"$(bin/stack env)\" || exit 1;"
            + " for v in $(compgen -e | grep '^LIFEBOAT_'); do unset \"$v\"; done;"
            + " eval \"$lines\" && exec env";
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(ROOT.toFile());
    builder.environment().putAll(ENV);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(1, TimeUnit.MINUTES), "eval \"$(bin/stack env)\" finished");
    assertEquals(0, p.exitValue(), "eval \"$(bin/stack env)\" succeeded");
    Map<String, String> env = new HashMap<>();
    for (String line : out.lines().toList()) {
      int eq = line.indexOf('=');
      if (line.startsWith("LIFEBOAT_") && eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertTrue(
        env.containsKey("LIFEBOAT_BACKUP_URL"),
        "the shell's children see the stack's addresses: " + env.keySet());
    return env;
  }

  private static Connection app() throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + ENV.get("LIFEBOAT_PG_PORT") + "/app",
        "lifeboat",
        "lifeboat");
  }

  /** Per table: its row count and an md5 of all its rows in key order. */
  private static Map<String, String> contents() throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    try (Connection c = app();
        Statement s = c.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM "
                    + table
                    + " t")) {
          rs.next();
          result.put(table, rs.getLong(1) + ":" + rs.getString(2));
        }
      }
    }
    return result;
  }

  private static JsonNode post(String url, String token, String body, int expected)
      throws Exception {
    HttpResponse<String> response = send(url, token, body);
    assertEquals(expected, response.statusCode(), url + " answered " + response.body());
    return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
  }

  private static HttpResponse<String> send(String url, String token, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofMinutes(2))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode await(String url, String token, String status) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      last = JSON.readTree(response.body());
      String now = last.get("status").asText();
      if (now.equals(status)) {
        return last;
      }
      assertFalse(now.equals("FAILED") || now.equals("CANCELLED"), last.toString());
      Thread.sleep(500);
    }
    throw new AssertionError(url + " never reached " + status + ": " + last);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
