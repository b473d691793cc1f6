package dev.lifeboat.backup.storage;

import dev.lifeboat.archive.storage.MinioClients;
import dev.lifeboat.archive.storage.ObjectKeys;
import dev.lifeboat.archive.storage.StorageConfig;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.minio.messages.Upload;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/** The bucket that holds backups, through the MinIO SDK. */
@ApplicationScoped
public class BackupStore {
  private static final Logger LOG = Logger.getLogger(BackupStore.class);
  private final MinioClient client;
  private final MinioAsyncClient asyncClient;
  private final StorageConfig config;

  public BackupStore(StorageConfig config) {
    this.config = config;
    this.client = MinioClients.blocking(config);
    this.asyncClient = MinioClients.async(config);
  }

  /**
   * Streams {@code in} into the object with a multipart upload, holding one part in memory. Should
   * the stream fail, the SDK aborts the upload and no object appears.
   */
  public void upload(String key, InputStream in) throws StorageException {
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(
                  in, -1, config.partSize())
              .contentType("application/zstd")
              .build());
    } catch (Exception e) {
      throw new StorageException("upload of " + key + " failed: " + describe(e), e);
    }
  }

  public void put(String key, byte[] content, String contentType) throws StorageException {
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(config.bucket()).object(key).stream(
                  new ByteArrayInputStream(content), content.length, -1)
              .contentType(contentType)
              .build());
    } catch (Exception e) {
      throw new StorageException("writing " + key + " failed: " + describe(e), e);
    }
  }

  /** The object's bytes, or empty when there is no such object. */
  public Optional<byte[]> read(String key) throws StorageException {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(config.bucket()).object(key).build())) {
      return Optional.of(in.readAllBytes());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return Optional.empty();
      }
      throw new StorageException("reading " + key + " failed: " + describe(e), e);
    } catch (Exception e) {
      throw new StorageException("reading " + key + " failed: " + describe(e), e);
    }
  }

  /** The object's size in bytes (a HEAD request), or empty when there is no such object. */
  public OptionalLong size(String key) throws StorageException {
    try {
      return OptionalLong.of(
          client
              .statObject(StatObjectArgs.builder().bucket(config.bucket()).object(key).build())
              .size());
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return OptionalLong.empty();
      }
      throw new StorageException("reading the size of " + key + " failed: " + describe(e), e);
    } catch (Exception e) {
      throw new StorageException("reading the size of " + key + " failed: " + describe(e), e);
    }
  }

  public void delete(String key) throws StorageException {
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
    } catch (Exception e) {
      throw new StorageException("deleting " + key + " failed: " + describe(e), e);
    }
  }

  /**
   * Who holds the backup: the names under {@code <database>/<backupId>/holds/}, where the restores
   * that read it place their holds (archive's {@code StoredBackups.hold}).
   */
  public List<String> holders(String database, String backupId) throws StorageException {
    String prefix = ObjectKeys.holds(database, backupId);
    return list(prefix).stream().map(key -> key.substring(prefix.length())).toList();
  }

  /** Keys of every object under the prefix. */
  public List<String> list(String prefix) throws StorageException {
    List<String> keys = new ArrayList<>();
    try {
      for (Result<Item> item :
          client.listObjects(
              ListObjectsArgs.builder()
                  .bucket(config.bucket())
                  .prefix(prefix)
                  .recursive(true)
                  .build())) {
        keys.add(item.get().objectName());
      }
      return keys;
    } catch (Exception e) {
      throw new StorageException("listing " + prefix + " failed: " + describe(e), e);
    }
  }

  /**
   * Removes what a failed or interrupted backup may have left under its prefix: objects, and
   * multipart uploads that were begun but never completed.
   */
  public void removeLeftovers(String prefix) throws StorageException {
    for (String key : list(prefix)) {
      delete(key);
    }
    try {
      var uploads =
          asyncClient
              .listMultipartUploadsAsync(
                  config.bucket(),
                  config.region().orElse(null),
                  null,
                  null,
                  prefix,
                  1000,
                  null,
                  null,
                  null,
                  null)
              .get();
      for (Upload upload : uploads.result().uploads()) {
        asyncClient
            .abortMultipartUploadAsync(
                config.bucket(),
                config.region().orElse(null),
                upload.objectName(),
                upload.uploadId(),
                null,
                null)
            .get();
        LOG.infof("aborted incomplete upload of %s", upload.objectName());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while cleaning " + prefix, e);
    } catch (Exception e) {
      // Not every S3 server lists multipart uploads; the object listing above already ran.
      LOG.debugf("could not list incomplete uploads under %s: %s", prefix, describe(e));
    }
  }

  private static String describe(Exception e) {
    Throwable cause =
        e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
            ? e.getCause()
            : e;
    if (cause instanceof ErrorResponseException s3) {
      return s3.errorResponse().code() + ": " + s3.errorResponse().message();
    }
    if (cause instanceof IOException io) {
      return io.getClass().getSimpleName() + ": " + io.getMessage();
    }
    return String.valueOf(cause.getMessage());
  }
}
