package dev.lifeboat.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The real servers every integration test talks to, each started at most once per test JVM on first
 * use and stopped when the JVM exits.
 *
 * <p>Where they come from is chosen by the system property {@code lifeboat.it.infra}: {@code local}
 * runs them as local processes (PostgreSQL from its binaries, Kafka and S3Proxy from Maven Central
 * jars), {@code containers} uses Testcontainers, and {@code auto} (the default) uses containers
 * where a Docker engine answers and local processes otherwise.
 */
public final class TestServers {
  private static final Logger LOG = Logger.getLogger(TestServers.class);
  private static final List<AutoCloseable> STARTED = new ArrayList<>();
  private static PostgresEndpoint postgres;
  private static KafkaEndpoint kafka;
  private static S3Endpoint s3;
  private static Boolean containers;
  private static boolean durablePostgres;

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(TestServers::stopAll, "lifeboat-test-servers-stop"));
  }

  private TestServers() {}

  /**
   * Makes {@link #postgres} a cluster with PostgreSQL's default durability (fsync, synchronous
   * commit, full page writes on), as users run it: for benchmarks, whose figures must describe a
   * real server. Call it before the first {@link #postgres}.
   */
  public static synchronized void useDurablePostgres() {
    if (postgres != null && !durablePostgres) {
      throw new IllegalStateException("the test cluster already runs without durability");
    }
    durablePostgres = true;
  }

  public static synchronized PostgresEndpoint postgres() {
    if (postgres == null) {
      if (useContainers()) {
        var running = ContainerServers.postgres();
        STARTED.add(running.stopper());
        postgres = running.endpoint();
      } else {
        LocalPostgres local = LocalPostgres.start(baseDir(), durablePostgres);
        STARTED.add(local);
        postgres = local.endpoint();
      }
    }
    return postgres;
  }

  public static synchronized KafkaEndpoint kafka() {
    if (kafka == null) {
      if (useContainers()) {
        var running = ContainerServers.kafka();
        STARTED.add(running.stopper());
        kafka = running.endpoint();
      } else {
        LocalKafka local = LocalKafka.start(baseDir());
        STARTED.add(local);
        kafka = local.endpoint();
      }
    }
    return kafka;
  }

  public static synchronized S3Endpoint s3() {
    if (s3 == null) {
      if (useContainers()) {
        var running = ContainerServers.s3();
        STARTED.add(running.stopper());
        s3 = running.endpoint();
      } else {
        LocalS3Proxy local = LocalS3Proxy.start(baseDir());
        STARTED.add(local);
        s3 = local.endpoint();
      }
    }
    return s3;
  }

  /** Where local servers keep data and logs: the module's {@code target/lifeboat-it}. */
  public static Path baseDir() {
    return Path.of(System.getProperty("user.dir"), "target", "lifeboat-it").toAbsolutePath();
  }

  private static boolean useContainers() {
    if (containers == null) {
      String infra = System.getProperty("lifeboat.it.infra", "auto").toLowerCase(Locale.ROOT);
      containers =
          switch (infra) {
            case "local" -> false;
            case "containers" -> true;
            case "auto" -> ContainerServers.dockerAvailable();
            default ->
                throw new IllegalArgumentException(
                    "lifeboat.it.infra must be auto, local or containers, not '" + infra + "'");
          };
      LOG.infof("test servers: %s", containers ? "Testcontainers" : "local processes");
    }
    return containers;
  }

  private static synchronized void stopAll() {
    for (int i = STARTED.size() - 1; i >= 0; i--) {
      try {
        STARTED.get(i).close();
      } catch (Exception e) {
        LOG.warnf("could not stop a test server: %s", e.getMessage());
      }
    }
    STARTED.clear();
  }
}
