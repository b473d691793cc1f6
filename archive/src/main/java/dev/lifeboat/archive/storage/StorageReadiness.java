package dev.lifeboat.archive.storage;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the backup bucket answers: without it no backup can be stored, restored or
 * verified. Every service that includes archive (backup, restore, health) reports it.
 */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {
  private final MinioClient client;
  private final String bucket;

  public StorageReadiness(StorageConfig config) {
    this.client = MinioClients.blocking(config);
    this.bucket = config.bucket();
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("object storage")
        .status(bucketExists())
        .withData("bucket", bucket)
        .build();
  }

  private boolean bucketExists() {
    try {
      return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      return false;
    }
  }
}
