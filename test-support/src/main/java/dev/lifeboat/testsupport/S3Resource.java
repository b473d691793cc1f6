package dev.lifeboat.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a Quarkus test at the shared real S3 server, with the bucket (init argument {@code
 * bucket}, default {@code lifeboat-backups}) created.
 */
public class S3Resource implements QuarkusTestResourceLifecycleManager {
  public static final String DEFAULT_BUCKET = "lifeboat-backups";
  private String bucket = DEFAULT_BUCKET;

  @Override
  public void init(Map<String, String> initArgs) {
    bucket = initArgs.getOrDefault("bucket", DEFAULT_BUCKET);
  }

  @Override
  public Map<String, String> start() {
    S3Endpoint s3 = TestServers.s3();
    s3.createBucket(bucket);
    return Map.of(
        "lifeboat.storage.endpoint", s3.url(),
        "lifeboat.storage.access-key", s3.accessKey(),
        "lifeboat.storage.secret-key", s3.secretKey(),
        "lifeboat.storage.bucket", bucket);
  }

  @Override
  public void stop() {
    // Shared by every test of this JVM; TestServers stops it when the JVM exits.
  }
}
