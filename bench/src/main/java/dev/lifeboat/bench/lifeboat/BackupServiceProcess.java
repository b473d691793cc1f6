package dev.lifeboat.bench.lifeboat;

import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.Ports;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * backup-service as users run it, {@code java -jar quarkus-run.jar} with its image's JVM options
 * and environment ({@link ServiceLaunch}), configured by environment variables, in a process of its
 * own so that its memory can be read apart from the benchmark's.
 */
public final class BackupServiceProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Process process;
  private final Path log;
  private Startup startup;

  private BackupServiceProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the service with the given databases as targets and waits until it is ready.
   *
   * @param dir where its copy, log and pid file go
   */
  public static BackupServiceProcess start(
      Path jar,
      ServiceLaunch launch,
      Path jwtPublicKey,
      Path dir,
      PostgresEndpoint pg,
      KafkaEndpoint kafka,
      S3Endpoint s3,
      String bucket,
      List<String> databases) {
    Path pidFile = dir.resolve("backup-service.pid");
    Path copy = dir.resolve("quarkus-app");
    endStale(pidFile, copy);
    copyApplication(jar.getParent(), copy);
    Path runJar = copy.resolve(jar.getFileName());
    int port = Ports.free();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(launch.jvmOptions());
    command.addAll(List.of("-jar", runJar.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("QUARKUS_"));
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.putAll(launch.environment());
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", Integer.toString(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_POSTGRES_BIN_DIR", pg.clientBinDir().toString());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    env.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    env.put("LIFEBOAT_S3_ACCESS_KEY", s3.accessKey());
    env.put("LIFEBOAT_S3_SECRET_KEY", s3.secretKey());
    env.put("LIFEBOAT_S3_BUCKET", bucket);
    env.put("LIFEBOAT_JWT_PUBLIC_KEY_LOCATION", jwtPublicKey.toString());
    for (String database : databases) {
      String prefix = "LIFEBOAT_DATABASES_" + database.toUpperCase(Locale.ROOT) + "_";
      env.put(prefix + "URL", pg.url(database));
      env.put(prefix + "USERNAME", pg.username());
      env.put(prefix + "PASSWORD", pg.password());
    }
    Path log = dir.resolve("backup-service.log");
    Process process;
    long started;
    try {
      Files.createDirectories(dir);
      started = System.nanoTime();
      process = builder.directory(dir.toFile()).redirectOutput(log.toFile()).start();
      Files.writeString(pidFile, Long.toString(process.pid()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start backup-service from " + jar, e);
    }
    var service = new BackupServiceProcess(process, log);
    // Ctrl-C ends the benchmark's JVM without its finally blocks; the service must end with it.
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "backup-service-stop"));
    try {
      service.awaitReady(port);
      service.startup = Startup.measure(launch, started, process.pid());
    } catch (RuntimeException e) {
      service.close();
      throw e;
    }
    return service;
  }

  public ProcessMemory memory() {
    return new ProcessMemory(process.pid());
  }

  /** How its start went: the time until it was ready, and its memory then. */
  public Startup startup() {
    return startup;
  }

  private void awaitReady(int port) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "backup-service exited with code " + process.exitValue() + "; see " + log);
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(250);
    }
    throw new IllegalStateException(
        "backup-service was not ready within " + START_TIMEOUT + "; see " + log);
  }

  /** Ends the service, and the pg_dump it may be running. */
  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Runs a copy of the application: a rebuild of backup-service during a long run would otherwise
   * pull its jars from under the running service.
   */
  private static void copyApplication(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      if (Files.exists(to)) {
        try (Stream<Path> old = Files.walk(to)) {
          for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      try (Stream<Path> files = Files.walk(from)) {
        for (Path source : files.toList()) {
          Files.copy(
              source,
              to.resolve(from.relativize(source).toString()),
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy backup-service from " + from, e);
    }
  }

  /** Ends a service that an earlier benchmark, killed before it could clean up, left running. */
  private static void endStale(Path pidFile, Path application) {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid)
          .filter(
              p ->
                  p.info().commandLine().map(c -> c.contains(application.toString())).orElse(false))
          .ifPresent(
              p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
              });
      Files.delete(pidFile);
    } catch (IOException | NumberFormatException e) {
      // An unreadable pid file names no service of ours.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
