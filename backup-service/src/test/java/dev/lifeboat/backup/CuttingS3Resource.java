package dev.lifeboat.backup;

import dev.lifeboat.testsupport.CuttingProxy;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.Map;

/** The real S3 server behind a {@link CuttingProxy}, with small upload parts. */
public class CuttingS3Resource implements QuarkusTestResourceLifecycleManager {
  static CuttingProxy proxy;

  @Override
  public Map<String, String> start() {
    S3Endpoint s3 = TestServers.s3();
    s3.createBucket(S3Resource.DEFAULT_BUCKET);
    URI uri = URI.create(s3.url());
    proxy = new CuttingProxy(uri.getHost(), uri.getPort());
    return Map.of(
        "lifeboat.storage.endpoint",
        "http://127.0.0.1:" + proxy.port(),
        "lifeboat.storage.access-key",
        s3.accessKey(),
        "lifeboat.storage.secret-key",
        s3.secretKey(),
        "lifeboat.storage.bucket",
        S3Resource.DEFAULT_BUCKET,
        // S3's smallest part: the dump below spans several.
        "lifeboat.storage.part-size",
        "5242880");
  }

  @Override
  public void stop() {
    proxy.close();
  }
}
