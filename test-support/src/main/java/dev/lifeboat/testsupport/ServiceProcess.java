package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Lifeboat service run from its packaged jar as a separate process, as in production: for tests
 * that kill it mid-work and start it again.
 */
public final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code java -jar <jar>} on a free HTTP port with the given environment and system
   * properties; output goes to {@code log}.
   */
  public static ServiceProcess start(
      Path jar, Map<String, String> env, Map<String, String> properties, Path log) {
    return start(jar, List.of("-Xmx256m"), env, properties, log);
  }

  /** The same with the given JVM options instead of the default {@code -Xmx256m}. */
  public static ServiceProcess start(
      Path jar,
      List<String> jvmOptions,
      Map<String, String> env,
      Map<String, String> properties,
      Path log) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: package the service first");
    }
    int port = Ports.free();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dquarkus.http.port=" + port);
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(jar.toString());
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      return new ServiceProcess(builder.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + jar, e);
    }
  }

  /**
   * The environment every packaged service reads for the shared test servers (the control
   * database's server, Kafka, object storage), under the names bin/stack and the manifests set.
   */
  public static Map<String, String> serverEnvironment() {
    PostgresEndpoint pg = TestServers.postgres();
    S3Endpoint s3 = TestServers.s3();
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", String.valueOf(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", TestServers.kafka().bootstrapServers());
    env.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    env.put("LIFEBOAT_S3_ACCESS_KEY", s3.accessKey());
    env.put("LIFEBOAT_S3_SECRET_KEY", s3.secretKey());
    env.put("LIFEBOAT_S3_BUCKET", S3Resource.DEFAULT_BUCKET);
    return env;
  }

  /**
   * test-support's JWT public key as a file, for {@code mp.jwt.verify.publickey.location}: a
   * packaged jar's classpath holds no test resources, and {@link Tokens} signs with its pair.
   */
  public static synchronized String jwtPublicKeyFile() {
    Path file = TestServers.baseDir().resolve("jwt-public-key.pem");
    try (InputStream in =
        ServiceProcess.class
            .getClassLoader()
            .getResourceAsStream("dev/lifeboat/testsupport/jwt/publicKey.pem")) {
      if (in == null) {
        throw new IllegalStateException("test-support's publicKey.pem is not on the classpath");
      }
      Files.createDirectories(file.getParent());
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return file.toAbsolutePath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The service's Prometheus metrics, as {@code /q/metrics} serves them. */
  public String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url() + "/q/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Whether the process still runs: a JVM that ran out of memory with the options given exits. */
  public boolean alive() {
    return process.isAlive();
  }

  /**
   * The most memory the process has held resident so far ({@code VmHWM} of {@code
   * /proc/<pid>/status}), or -1 where there is no {@code /proc}.
   */
  public long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** Waits for {@code /q/health/ready} to answer 200; a service that never gets ready is killed. */
  public ServiceProcess awaitReady(Duration timeout) {
    try {
      return pollReady(timeout);
    } catch (RuntimeException e) {
      kill();
      throw e;
    }
  }

  private ServiceProcess pollReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the service exited with " + process.exitValue() + "; see " + log);
      }
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      ChildProcess.sleep(250);
    }
    throw new IllegalStateException("the service was not ready within " + timeout + "; see " + log);
  }

  /**
   * Waits for the process to exit on its own (a failpoint halts it with 137) and returns its exit
   * status; a process still running after {@code timeout} is killed and the wait fails.
   */
  public int awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
      throw new IllegalStateException(e);
    }
    kill();
    throw new IllegalStateException(
        "the service was still running after " + timeout + "; see " + log);
  }

  /** SIGKILL: no shutdown hooks, no graceful anything, as when a node dies. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }
}
