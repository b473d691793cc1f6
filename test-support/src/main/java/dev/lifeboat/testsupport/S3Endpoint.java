package dev.lifeboat.testsupport;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;

/** A running S3-compatible server with credentials. */
public record S3Endpoint(String url, String accessKey, String secretKey) {

  public MinioClient client() {
    return MinioClient.builder().endpoint(url).credentials(accessKey, secretKey).build();
  }

  public void createBucket(String bucket) {
    try {
      MinioClient client = client();
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not create bucket " + bucket + " at " + url, e);
    }
  }
}
