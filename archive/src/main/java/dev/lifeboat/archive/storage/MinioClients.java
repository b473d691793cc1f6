package dev.lifeboat.archive.storage;

import io.minio.MinioAsyncClient;
import io.minio.MinioClient;

/**
 * The one place Lifeboat builds MinIO clients for the backup bucket: endpoint, credentials, region
 * and timeouts from {@code lifeboat.storage.*}. MinIO's own timeouts are five minutes each, which
 * would hold a backup, a restore or a readiness check that long in a network partition.
 */
public final class MinioClients {
  private MinioClients() {}

  public static MinioClient blocking(StorageConfig config) {
    var builder =
        MinioClient.builder()
            .endpoint(config.endpoint())
            .credentials(config.accessKey(), config.secretKey());
    config.region().ifPresent(builder::region);
    MinioClient client = builder.build();
    client.setTimeout(
        config.connectTimeout().toMillis(),
        config.readTimeout().toMillis(),
        config.readTimeout().toMillis());
    return client;
  }

  /** For the calls only the asynchronous client offers (listing and aborting multipart uploads). */
  public static MinioAsyncClient async(StorageConfig config) {
    var builder =
        MinioAsyncClient.builder()
            .endpoint(config.endpoint())
            .credentials(config.accessKey(), config.secretKey());
    config.region().ifPresent(builder::region);
    MinioAsyncClient client = builder.build();
    client.setTimeout(
        config.connectTimeout().toMillis(),
        config.readTimeout().toMillis(),
        config.readTimeout().toMillis());
    return client;
  }
}
