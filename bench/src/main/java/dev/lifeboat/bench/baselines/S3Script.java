package dev.lifeboat.bench.baselines;

import dev.lifeboat.bench.measure.Sample;
import dev.lifeboat.bench.measure.Series;
import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.S3Endpoint;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The fair comparison: the work Lifeboat does (an uncompressed custom-format dump, zstd level 2, a
 * SHA-256 of what is stored, a streamed upload) done with the standard tools, into the same bucket
 * of the same S3 server as backup-service.
 */
public final class S3Script {
  public static final String METHOD = "standard tools to S3";

  /** Why the baseline has no figures on a machine without the {@code aws} CLI. */
  public static final String SKIPPED = "skipped: the `aws` CLI is not on the PATH";

  private static final String TEMPLATE =
      "pg_dump -Fc -Z0 %s | zstd -2 -q | tee >(sha256sum >/dev/null)"
          + " | aws s3 cp --no-progress - s3://%s/%s --endpoint-url %s";

  private final S3Endpoint s3;
  private final String bucket;
  private final MinioClient storage;

  private S3Script(S3Endpoint s3, String bucket) {
    this.s3 = s3;
    this.bucket = bucket;
    this.storage = s3.client();
  }

  /** The baseline for {@code bucket} on {@code s3}; empty when {@code aws} is not on the PATH. */
  public static Optional<S3Script> ifAvailable(S3Endpoint s3, String bucket) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "aws"))) {
        return Optional.of(new S3Script(s3, bucket));
      }
    }
    return Optional.empty();
  }

  public Series newSeries(String database) {
    return new Series(METHOD, command(database), true);
  }

  /**
   * Uploads one backup of {@code database}, measures the stored object, and deletes it: the
   * benchmark must not fill S3Proxy's store with copies of the database.
   */
  public Sample run(PostgresTools tools, String database) {
    String key = key(database);
    try {
      Duration took =
          tools.shell(
              command(database),
              Map.of(
                  "AWS_ACCESS_KEY_ID", s3.accessKey(),
                  "AWS_SECRET_ACCESS_KEY", s3.secretKey(),
                  "AWS_DEFAULT_REGION", "us-east-1"));
      return new Sample(took, storedBytes(key));
    } finally {
      remove(key);
    }
  }

  private String command(String database) {
    return TEMPLATE.formatted(database, bucket, key(database), s3.url());
  }

  /** Apart from backup-service's keys, which begin with the database's name. */
  private static String key(String database) {
    return "bench-standard-tools/" + database + ".dump.zst";
  }

  private long storedBytes(String key) {
    try {
      return storage.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size();
    } catch (Exception e) {
      throw new IllegalStateException("could not measure s3://" + bucket + "/" + key, e);
    }
  }

  private void remove(String key) {
    try {
      storage.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IllegalStateException("could not delete s3://" + bucket + "/" + key, e);
    }
  }
}
