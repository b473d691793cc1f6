package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.Ports;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each service's packaged jar, started the way its container starts it in the dev overlay: the
 * environment its Deployment defines (ConfigMap lifeboat-platform, the Secrets' keys, JAVA_OPTS),
 * the target databases' ConfigMap as config/application.properties of its working directory, and
 * {@code java $JAVA_OPTS -jar quarkus-run.jar}. Only what must differ outside a cluster is
 * replaced: the servers' addresses (real PostgreSQL, Kafka and S3 from test-support), the path of
 * the JWT key (mounted at /etc/lifeboat/jwt in the pod), the client tools' directory (the image's
 * /usr/lib/postgresql/16/bin) and the HTTP port (a free one). Each service must become ready, know
 * the target database of the ConfigMap (and reach it: a check connects with the password expanded
 * from the Secret), and idle well inside its memory limit.
 */
class RenderedConfigIT {
  private static final Duration READY = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static List<JsonNode> rendered;
  private static PostgresEndpoint pg;
  private static KafkaEndpoint kafka;
  private static S3Endpoint s3;

  @BeforeAll
  static void servers() {
    rendered = Kustomize.build("k8s/overlays/dev");
    pg = TestServers.postgres();
    kafka = TestServers.kafka();
    s3 = TestServers.s3();
    pg.createDatabase("lifeboat");
    pg.createDatabase("app");
    pg.execute(
        "app",
        "CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY, email text NOT NULL);"
            + "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g"
            + " ON CONFLICT DO NOTHING");
    s3.createBucket("lifeboat-backups");
  }

  @Test
  void backupServiceBootsWithTheRenderedConfig() throws Exception {
    try (Started service = start("backup-service")) {
      assertEquals(200, get(service, "/api/v1/backups?database=app").statusCode());
      assertEquals(400, get(service, "/api/v1/backups?database=unknown").statusCode());
      service.checkMemory();
    }
  }

  @Test
  void restoreServiceBootsWithTheRenderedConfig() throws Exception {
    try (Started service = start("restore-service")) {
      assertEquals(200, get(service, "/api/v1/restores?database=app").statusCode());
      assertEquals(400, get(service, "/api/v1/restores?database=unknown").statusCode());
      service.checkMemory();
    }
  }

  @Test
  void healthServiceBootsWithTheRenderedConfigAndReachesTheTarget() throws Exception {
    try (Started service = start("health-service")) {
      HttpResponse<String> check =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(service.url + "/api/v1/checks"))
                  .header(
                      "Authorization",
                      "Bearer " + Tokens.forRoles("deploy-test", "lifeboat-responder"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"database\":\"app\"}"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(201, check.statusCode(), check.body());
      JsonNode report = Repo.JSON.readTree(check.body());
      // Connected with the password expanded from LIFEBOAT_TARGET_APP_PASSWORD: no connectivity
      // finding.
      assertTrue(
          List.of("HEALTHY", "DEGRADED").contains(report.path("status").asText()), check.body());
      service.checkMemory();
    }
  }

  @Test
  void auditServiceBootsWithTheRenderedConfig() throws Exception {
    try (Started service = start("audit-service")) {
      assertEquals(200, get(service, "/api/v1/events?limit=1").statusCode());
      service.checkMemory();
    }
  }

  // --- starting a service as its Deployment would -----------------------------------------------

  private static final class Started implements AutoCloseable {
    final String name;
    final Process process;
    final String url;
    final Path log;
    final long limitBytes;

    Started(String name, Process process, String url, Path log, long limitBytes) {
      this.name = name;
      this.process = process;
      this.url = url;
      this.log = log;
      this.limitBytes = limitBytes;
    }

    /** Resident memory once started and exercised, against the Deployment's limit. */
    void checkMemory() throws IOException {
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
      System.out.printf(
          "%s: %d MiB resident after start-up and one request (limit %d MiB)%n",
          name, rss >> 20, limitBytes >> 20);
      assertTrue(rss > 0 && rss < limitBytes * 3 / 4, name + " idles at " + (rss >> 20) + " MiB");
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Started start(String name) throws Exception {
    JsonNode deployment = KubernetesManifestsTest.find(rendered, "Deployment", name);
    assertNotNull(deployment, name);
    JsonNode container = KubernetesManifestsTest.podSpec(deployment).path("containers").get(0);
    Map<String, String> env = environment(container);

    Map<String, String> outside = new LinkedHashMap<>();
    outside.put("LIFEBOAT_PG_HOST", pg.host());
    outside.put("LIFEBOAT_PG_PORT", Integer.toString(pg.port()));
    outside.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    if (!name.equals("audit-service")) {
      outside.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    }
    Path dir = Files.createDirectories(Repo.path("deploy-tests/target/rendered-config/" + name));
    Path jwt = dir.resolve("publicKey.pem");
    // The ConfigMap lifeboat-jwt that the operator creates: here test-support's key, whose
    // private half signs Tokens.
    Files.writeString(
        jwt,
        Repo.read("test-support/src/main/resources/dev/lifeboat/testsupport/jwt/publicKey.pem"));
    outside.put("LIFEBOAT_JWT_PUBLIC_KEY_LOCATION", jwt.toString());
    for (String variable : outside.keySet()) {
      assertTrue(env.containsKey(variable), name + "'s Deployment does not set " + variable);
    }
    env.putAll(outside);
    env.put("LIFEBOAT_POSTGRES_BIN_DIR", pg.clientBinDir().toString());
    int port = Ports.free();
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));

    // As in the image: the packaged app in deployments/, its working directory, and the targets'
    // ConfigMap mounted at deployments/config. (A copy, also so that a rebuild of the service
    // meanwhile does not pull the jar from under it.)
    Path app = Repo.path(name + "/target/quarkus-app");
    assertTrue(
        Files.isRegularFile(app.resolve("quarkus-run.jar")),
        app + " is missing: the build packages the services before this module");
    Path deployments = dir.resolve("deployments");
    deleteTree(deployments);
    copyTree(app, deployments);
    boolean mountsTargets = false;
    for (JsonNode mount : container.path("volumeMounts")) {
      mountsTargets |= mount.path("mountPath").asText().equals("/deployments/config");
    }
    Path config = Files.createDirectories(deployments.resolve("config"));
    if (mountsTargets) {
      String targets =
          configMap("lifeboat-targets").path("data").path("application.properties").asText();
      assertTrue(targets.contains("postgresql://postgres:5432/"), targets);
      Files.writeString(
          config.resolve("application.properties"),
          targets.replace("postgresql://postgres:5432/", pg.url("")));
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : env.getOrDefault("JAVA_OPTS", "").trim().split("\\s+")) {
      if (!option.isEmpty()) {
        command.add(option);
      }
    }
    command.add("-jar");
    command.add(deployments.resolve("quarkus-run.jar").toString());
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(deployments.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("QUARKUS_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    Started started =
        new Started(
            name,
            process,
            "http://127.0.0.1:" + port,
            log,
            bytes(container.path("resources").path("limits").path("memory").asText()));
    try {
      awaitReady(started);
      // The probes' and Prometheus' paths, as the Deployment names them, answer.
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        String path = container.path(probe).path("httpGet").path("path").asText();
        assertEquals(200, get(started, path).statusCode(), name + " " + probe + " " + path);
      }
      String metricsPath =
          deployment
              .path("spec")
              .path("template")
              .path("metadata")
              .path("annotations")
              .path("prometheus.io/path")
              .asText();
      HttpResponse<String> metrics = get(started, metricsPath);
      assertEquals(200, metrics.statusCode(), name + " " + metricsPath);
      assertTrue(metrics.body().contains("jvm_memory_used_bytes"), name + " " + metricsPath);
    } catch (AssertionError | Exception e) {
      started.close();
      throw e;
    }
    return started;
  }

  /** The container's environment, its Secrets holding what docs/kubernetes.md says they hold. */
  private static Map<String, String> environment(JsonNode container) {
    Map<String, Map<String, String>> secrets =
        Map.of(
            "lifeboat-control-db", Map.of("username", pg.username(), "password", pg.password()),
            "lifeboat-s3", Map.of("access-key", s3.accessKey(), "secret-key", s3.secretKey()),
            "lifeboat-target-credentials", Map.of("LIFEBOAT_TARGET_APP_PASSWORD", pg.password()));
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      if (from.has("configMapRef")) {
        configMap(from.path("configMapRef").path("name").asText())
            .path("data")
            .properties()
            .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
      } else {
        String secret = from.path("secretRef").path("name").asText();
        assertNotNull(secrets.get(secret), "no test values for Secret " + secret);
        env.putAll(secrets.get(secret));
      }
    }
    for (JsonNode variable : container.path("env")) {
      String name = variable.path("name").asText();
      JsonNode from = variable.path("valueFrom");
      if (variable.has("value")) {
        env.put(name, variable.path("value").asText());
      } else if (from.has("configMapKeyRef")) {
        JsonNode ref = from.path("configMapKeyRef");
        env.put(
            name,
            configMap(ref.path("name").asText())
                .path("data")
                .path(ref.path("key").asText())
                .asText());
      } else if (from.has("secretKeyRef")) {
        JsonNode ref = from.path("secretKeyRef");
        Map<String, String> secret = secrets.get(ref.path("name").asText());
        if (secret == null && ref.path("optional").asBoolean(false)) {
          continue;
        }
        assertNotNull(secret, "no test values for Secret " + ref.path("name").asText());
        env.put(name, secret.get(ref.path("key").asText()));
      }
    }
    return env;
  }

  private static JsonNode configMap(String prefix) {
    return KubernetesManifestsTest.ofKind(rendered, "ConfigMap").stream()
        .filter(
            c ->
                KubernetesManifestsTest.name(c).equals(prefix)
                    || KubernetesManifestsTest.name(c).startsWith(prefix + "-"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap " + prefix));
  }

  private static void awaitReady(Started service) throws Exception {
    long deadline = System.nanoTime() + READY.toNanos();
    while (System.nanoTime() < deadline) {
      if (!service.process.isAlive()) {
        throw new AssertionError(service.name + " exited: " + tail(service.log));
      }
      try {
        var response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(service.url + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        service.name + " was not ready within " + READY + ": " + tail(service.log));
  }

  private static HttpResponse<String> get(Started service, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(service.url + path))
            .header("Authorization", "Bearer " + Tokens.forRoles("deploy-test", "lifeboat-viewer"))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static long bytes(String quantity) {
    assertTrue(quantity.endsWith("Mi"), quantity);
    return Long.parseLong(quantity.substring(0, quantity.length() - 2)) << 20;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
