package dev.lifeboat.archive.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.Manifest;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Read access to stored backups, for the services that restore and verify them: a backup exists
 * when its manifest does.
 */
@ApplicationScoped
public class StoredBackups {
  private final MinioClient client;
  private final String bucket;
  private final ObjectMapper json;

  public StoredBackups(StorageConfig config, ObjectMapper json) {
    var builder =
        MinioClient.builder()
            .endpoint(config.endpoint())
            .credentials(config.accessKey(), config.secretKey());
    config.region().ifPresent(builder::region);
    this.client = builder.build();
    this.bucket = config.bucket();
    this.json = json;
  }

  /** The backup's manifest, or empty when there is no such (complete) backup. */
  public Optional<Manifest> manifest(String database, String backupId) throws IOException {
    try (InputStream in =
        client.getObject(
            GetObjectArgs.builder()
                .bucket(bucket)
                .object(ObjectKeys.manifest(database, backupId))
                .build())) {
      return Optional.of(json.readValue(in, Manifest.class));
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new IOException(
          "cannot read the manifest of " + backupId + ": " + e.errorResponse().message(), e);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot read the manifest of " + backupId + ": " + e.getMessage(), e);
    }
  }

  /** The stored bytes of a backup's dump, streamed. */
  public InputStream openDump(Manifest manifest) throws IOException {
    try {
      return client.getObject(
          GetObjectArgs.builder().bucket(bucket).object(manifest.objectKey()).build());
    } catch (Exception e) {
      throw new IOException("cannot read " + manifest.objectKey() + ": " + e.getMessage(), e);
    }
  }
}
