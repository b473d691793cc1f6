package dev.lifeboat.archive.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code lifeboat.storage.*}: the S3-compatible object store that holds the backups. */
@ConfigMapping(prefix = "lifeboat.storage")
public interface StorageConfig {
  /** e.g. {@code http://minio:9000} or {@code https://s3.eu-west-1.amazonaws.com}. */
  String endpoint();

  String accessKey();

  String secretKey();

  @WithDefault("lifeboat-backups")
  String bucket();

  Optional<String> region();

  /** How long each call to object storage waits for a connection ({@link MinioClients}). */
  @WithDefault("10s")
  Duration connectTimeout();

  /**
   * How long each call to object storage waits for the next bytes once connected: an outage shorter
   * than this is ridden out, a longer one fails the read instead of leaving it waiting for ever.
   */
  @WithDefault("2m")
  Duration readTimeout();

  /** Multipart part size: what the upload holds in memory per running backup. */
  @WithDefault("16777216")
  long partSize();
}
