package dev.lifeboat.cli;

import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.LocalPostgres;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestCertificates;
import dev.lifeboat.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lifeboat's services from their packaged jars ({@code ../<service>/target/quarkus-app}), as users
 * run them, against the real PostgreSQL, Kafka and S3 of test-support. The reactor packages them
 * before this module's tests (cli's pom depends on them).
 */
final class RunningServices implements AutoCloseable {
  static final String BUCKET = "lifeboat-backups";
  private static final String CONTROL = "lifeboat_cli";

  final PostgresEndpoint pg = TestServers.postgres();
  final KafkaEndpoint kafka = TestServers.kafka();
  final S3Endpoint s3 = TestServers.s3();

  /**
   * A server that accepts TLS only, its certificate signed by the tests' own CA, as a managed
   * PostgreSQL is: target {@link #SECURE} trusts that CA (verify-full), {@link #WRONG_CA} another.
   */
  static final String SECURE = "secure";

  static final String WRONG_CA = "wrongca";
  final LocalPostgres tlsServer;
  final TestCertificates certificates;
  private final Path otherCa;
  private final List<String> targets;
  private final Map<String, ServiceProcess> running = new HashMap<>();
  private final List<ServiceProcess> order = new ArrayList<>();

  /** Every target database of the ITs; the services know them all from the start. */
  static final List<String> TARGETS = List.of("app", "shop", "ledger", "orders", "billing");

  /** A configured target whose database does not exist. */
  static final String GHOST = "ghost";

  private static RunningServices shared;

  /**
   * The services every IT of this module shares, started once per test JVM with backup-service and
   * restore-service running, and stopped when the JVM exits.
   */
  static synchronized RunningServices shared() {
    if (shared == null) {
      RunningServices services = new RunningServices(TARGETS);
      Runtime.getRuntime().addShutdownHook(new Thread(services::close, "lifeboat-cli-it-services"));
      services.start("backup-service").start("restore-service");
      shared = services;
    }
    return shared;
  }

  /** Prepares the control database, the bucket and the given (empty) target databases. */
  RunningServices(List<String> targets) {
    this.targets = List.copyOf(targets);
    s3.createBucket(BUCKET);
    pg.createDatabase(CONTROL);
    targets.forEach(pg::createDatabase);
    Path tls = TestServers.baseDir().resolve("tls");
    certificates = TestCertificates.make(tls.resolve("ca-" + System.nanoTime()));
    otherCa = TestCertificates.make(tls.resolve("other-ca-" + System.nanoTime())).caCert();
    tlsServer =
        LocalPostgres.startTlsOnly(tls, certificates.serverCert(), certificates.serverKey());
    tlsServer.endpoint().createDatabase(SECURE);
  }

  static Path jar(String service) {
    return Path.of("..", service, "target", "quarkus-app", "quarkus-run.jar")
        .toAbsolutePath()
        .normalize();
  }

  /** Starts a service's jar, unless it runs already, and waits until it is ready. */
  synchronized RunningServices start(String service) {
    if (running.containsKey(service)) {
      return this;
    }
    ServiceProcess process;
    try {
      process = launch(service);
    } catch (IllegalStateException e) {
      // While developers rebuild a service beside a test run, its jar is briefly incomplete.
      ChildPause.sleep(Duration.ofSeconds(20));
      process = launch(service);
    }
    running.put(service, process);
    order.add(process);
    return this;
  }

  boolean running(String service) {
    return running.containsKey(service);
  }

  private ServiceProcess launch(String service) {
    return ServiceProcess.start(
            snapshot(service),
            environment(),
            properties(),
            TestServers.baseDir().resolve(service + ".log"))
        .awaitReady(Duration.ofSeconds(90));
  }

  /**
   * A copy of the service's packaged application, run from there: a developer rebuilding the
   * service during the test run then cannot pull its jars from under the running process.
   */
  private static Path snapshot(String service) {
    Path source = jar(service).getParent();
    Path copy = TestServers.baseDir().resolve("apps").resolve(service);
    if (!Files.isRegularFile(source.resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(
          source.resolve("quarkus-run.jar") + " does not exist: package " + service + " first");
    }
    try {
      if (Files.exists(copy)) {
        try (var old = Files.walk(copy)) {
          for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      try (var files = Files.walk(source)) {
        for (Path p : files.toList()) {
          Path target = copy.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot copy " + source + ": " + e, e);
    }
    return copy.resolve("quarkus-run.jar");
  }

  /** Sleeps without making callers handle interruption. */
  private static final class ChildPause {
    static void sleep(Duration d) {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  String url(String service) {
    ServiceProcess process = running.get(service);
    if (process == null) {
      throw new IllegalStateException(service + " was not started");
    }
    return process.url();
  }

  /** The CLI, pointed at the running services, with a token holding the given roles. */
  CliRun cli(String token) {
    CliRun cli = new CliRun();
    env(token).forEach(cli::env);
    return cli;
  }

  /** The environment bin/lifeboat reads: URLs of the running services and the token. */
  Map<String, String> env(String token) {
    Map<String, String> env = new HashMap<>();
    for (var service :
        Map.of(
                "backup-service", "LIFEBOAT_BACKUP_URL",
                "restore-service", "LIFEBOAT_RESTORE_URL",
                "health-service", "LIFEBOAT_HEALTH_URL",
                "audit-service", "LIFEBOAT_AUDIT_URL")
            .entrySet()) {
      if (running.containsKey(service.getKey())) {
        env.put(service.getValue(), running.get(service.getKey()).url());
      }
    }
    if (token != null) {
      env.put("LIFEBOAT_TOKEN", token);
    }
    return env;
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", String.valueOf(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    env.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    env.put("LIFEBOAT_S3_ACCESS_KEY", s3.accessKey());
    env.put("LIFEBOAT_S3_SECRET_KEY", s3.secretKey());
    env.put("LIFEBOAT_S3_BUCKET", BUCKET);
    env.put("LIFEBOAT_JWT_PUBLIC_KEY_LOCATION", publicKey().toString());
    return env;
  }

  private Map<String, String> properties() {
    Map<String, String> properties = new HashMap<>();
    properties.put("quarkus.datasource.reactive.url", pg.url(CONTROL));
    properties.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(CONTROL));
    properties.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    for (String target : targets) {
      properties.put("lifeboat.databases." + target + ".url", pg.url(target));
      properties.put("lifeboat.databases." + target + ".username", pg.username());
      properties.put("lifeboat.databases." + target + ".password", pg.password());
    }
    // A target whose database does not exist: its backups fail, as when a database is gone.
    properties.put("lifeboat.databases." + GHOST + ".url", pg.url(GHOST + "_missing"));
    properties.put("lifeboat.databases." + GHOST + ".username", pg.username());
    properties.put("lifeboat.databases." + GHOST + ".password", pg.password());
    PostgresEndpoint secure = tlsServer.endpoint();
    for (var tlsTarget : Map.of(SECURE, certificates.caCert(), WRONG_CA, otherCa).entrySet()) {
      String name = tlsTarget.getKey();
      properties.put(
          "lifeboat.databases." + name + ".url",
          secure.url(SECURE) + "?sslmode=verify-full&sslrootcert=" + tlsTarget.getValue());
      properties.put("lifeboat.databases." + name + ".username", secure.username());
      properties.put("lifeboat.databases." + name + ".password", secure.password());
    }
    // Small backups still report progress.
    properties.put("lifeboat.backup.progress-bytes", "65536");
    return properties;
  }

  /** test-support's public key (the services verify the tokens Tokens mints with it). */
  private static Path publicKey() {
    return Path.of(ServiceProcess.jwtPublicKeyFile());
  }

  @Override
  public synchronized void close() {
    for (int i = order.size() - 1; i >= 0; i--) {
      order.get(i).close();
    }
    order.clear();
    running.clear();
    tlsServer.close();
  }
}
