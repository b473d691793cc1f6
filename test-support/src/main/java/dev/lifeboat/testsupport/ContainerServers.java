package dev.lifeboat.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The same servers as containers, for machines where a Docker engine runs. */
final class ContainerServers {
  private static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  private static final String MINIO_IMAGE = "minio/minio:RELEASE.2024-12-18T13-15-44Z";

  private ContainerServers() {}

  /** Cheap check first: Testcontainers' own probe is slow and noisy where no engine exists. */
  static boolean dockerAvailable() {
    boolean configured =
        System.getenv("DOCKER_HOST") != null
            || Files.exists(Path.of("/var/run/docker.sock"))
            || Files.exists(
                Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"));
    return configured && DockerClientFactory.instance().isDockerAvailable();
  }

  /**
   * PostgreSQL of the local client tools' major version: pg_dump must be at least as new as the
   * server it dumps.
   */
  static Running<PostgresEndpoint> postgres() {
    Path binDir = PostgresBinaries.binDir();
    var container =
        new PostgreSQLContainer("postgres:" + PostgresBinaries.majorVersion(binDir) + "-alpine")
            .withUsername("lifeboat")
            .withPassword(UUID.randomUUID().toString());
    container.start();
    var endpoint =
        new PostgresEndpoint(
            container.getHost(),
            container.getMappedPort(5432),
            container.getUsername(),
            container.getPassword(),
            binDir);
    return new Running<>(endpoint, container::stop);
  }

  static Running<KafkaEndpoint> kafka() {
    var container = new KafkaContainer(KAFKA_IMAGE);
    container.start();
    return new Running<>(new KafkaEndpoint(container.getBootstrapServers()), container::stop);
  }

  static Running<S3Endpoint> s3() {
    var container =
        new MinIOContainer(MINIO_IMAGE)
            .withUserName("lifeboat")
            .withPassword(UUID.randomUUID().toString());
    container.start();
    var endpoint =
        new S3Endpoint(container.getS3URL(), container.getUserName(), container.getPassword());
    return new Running<>(endpoint, container::stop);
  }

  record Running<T>(T endpoint, AutoCloseable stopper) {}
}
