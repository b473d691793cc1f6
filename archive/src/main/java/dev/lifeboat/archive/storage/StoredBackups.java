package dev.lifeboat.archive.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.archive.ArchiveReader;
import dev.lifeboat.archive.Manifest;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
    this.client = MinioClients.blocking(config);
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

  /**
   * The manifests of every (complete) backup of the database, newest first: backup ids sort by
   * time. A backup whose manifest vanishes while it is listed (deleted meanwhile) is left out.
   */
  public List<Manifest> manifests(String database) throws IOException {
    List<String> backupIds = new ArrayList<>();
    try {
      for (Result<Item> result :
          client.listObjects(
              ListObjectsArgs.builder()
                  .bucket(bucket)
                  .prefix(database + "/")
                  .recursive(true)
                  .build())) {
        String key = result.get().objectName();
        if (key.endsWith("/manifest.json")) {
          String rest = key.substring(database.length() + 1);
          int slash = rest.indexOf('/');
          if (slash > 0 && rest.substring(slash).equals("/manifest.json")) {
            backupIds.add(rest.substring(0, slash));
          }
        }
      }
    } catch (Exception e) {
      throw new IOException("cannot list the backups of " + database + ": " + e.getMessage(), e);
    }
    backupIds.sort(Comparator.reverseOrder());
    List<Manifest> manifests = new ArrayList<>(backupIds.size());
    for (String backupId : backupIds) {
      manifest(database, backupId).ifPresent(manifests::add);
    }
    return manifests;
  }

  /**
   * Holds the backup while {@code holder} (a restore id) reads it: backup-service neither deletes
   * nor lets retention remove a backup with a hold. Place the hold, then read the manifest: a
   * backup being deleted either is seen gone by that read, or sees the hold and stays. Idempotent.
   */
  public void hold(String database, String backupId, String holder) throws IOException {
    String key = ObjectKeys.hold(database, backupId, holder);
    try {
      client.putObject(
          PutObjectArgs.builder().bucket(bucket).object(key).stream(
                  new ByteArrayInputStream(new byte[0]), 0, -1)
              .build());
    } catch (Exception e) {
      throw new IOException("cannot place the hold " + key + ": " + e.getMessage(), e);
    }
  }

  /** Removes the hold of {@code holder}; nothing happens when there is none. */
  public void release(String database, String backupId, String holder) throws IOException {
    String key = ObjectKeys.hold(database, backupId, holder);
    try {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IOException("cannot release the hold " + key + ": " + e.getMessage(), e);
    }
  }

  /** Whether any holder holds the backup. */
  public boolean held(String database, String backupId) throws IOException {
    try {
      for (Result<Item> result :
          client.listObjects(
              ListObjectsArgs.builder()
                  .bucket(bucket)
                  .prefix(ObjectKeys.holds(database, backupId))
                  .maxKeys(1)
                  .build())) {
        result.get();
        return true;
      }
      return false;
    } catch (Exception e) {
      throw new IOException("cannot list the holds of " + backupId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the stored dump through SHA-256 (nothing kept in memory) and compares it with what the
   * manifest promises: empty when every byte matches, else a sentence saying what differs. A dump
   * that cannot be read at all is an {@link IOException}, not damage.
   */
  public Optional<String> damage(Manifest manifest) throws IOException {
    ArchiveReader.Checksum checksum;
    try (InputStream in = openDump(manifest)) {
      checksum = ArchiveReader.checksum(in);
    }
    if (checksum.sha256().equals(manifest.sha256())
        && checksum.sizeBytes() == manifest.sizeBytes()) {
      return Optional.empty();
    }
    return Optional.of(
        "the stored object "
            + manifest.objectKey()
            + " is damaged: sha256 "
            + checksum.sha256()
            + " over "
            + checksum.sizeBytes()
            + " bytes, but the manifest says "
            + manifest.sha256()
            + " over "
            + manifest.sizeBytes()
            + " bytes");
  }

  /**
   * The stored bytes of a backup's dump, streamed. A failure to read them, now or midway, says that
   * object storage failed (a bare "timeout" or "unexpected end of stream" would not).
   */
  public InputStream openDump(Manifest manifest) throws IOException {
    String key = manifest.objectKey();
    InputStream in;
    try {
      in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      throw new IOException("cannot read " + key + " from object storage: " + e.getMessage(), e);
    }
    return new FilterInputStream(in) {
      private long read;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        try {
          int n = super.read(buffer, off, len);
          read += Math.max(0, n);
          return n;
        } catch (IOException e) {
          throw new IOException(
              "reading "
                  + key
                  + " from object storage failed after "
                  + read
                  + " bytes: "
                  + e.getMessage(),
              e);
        }
      }
    };
  }
}
