package dev.lifeboat.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads backups from the bucket the way an operator with standard tools would. */
final class StoredBackups {
  private final S3Endpoint s3;
  private final ObjectMapper json = new ObjectMapper();

  StoredBackups(S3Endpoint s3) {
    this.s3 = s3;
  }

  byte[] read(String key) throws Exception {
    try (InputStream in =
        s3.client()
            .getObject(
                GetObjectArgs.builder().bucket(S3Resource.DEFAULT_BUCKET).object(key).build())) {
      return in.readAllBytes();
    }
  }

  JsonNode manifest(String database, String backupId) throws Exception {
    return json.readTree(read(database + "/" + backupId + "/manifest.json"));
  }

  List<String> keys(String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (var item :
        s3.client()
            .listObjects(
                ListObjectsArgs.builder()
                    .bucket(S3Resource.DEFAULT_BUCKET)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
      keys.add(item.get().objectName());
    }
    return keys;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** {@code zstd -d < dump | pg_restore -d <database>}: nothing of Lifeboat involved. */
  static void restoreByHand(PostgresEndpoint pg, byte[] dump, String database) throws Exception {
    Path file = Files.createTempFile("lifeboat-dump", ".zst");
    try {
      Files.write(file, dump);
      pg.dropDatabase(database);
      pg.createDatabase(database);
      var shell =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "set -o pipefail; zstd -d < '"
                      + file
                      + "' | '"
                      + pg.clientBinDir().resolve("pg_restore")
                      + "' --no-owner --exit-on-error -d "
                      + database)
              .redirectErrorStream(true);
      shell.environment().put("PGHOST", pg.host());
      shell.environment().put("PGPORT", String.valueOf(pg.port()));
      shell.environment().put("PGUSER", pg.username());
      shell.environment().put("PGPASSWORD", pg.password());
      Process process = shell.start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new AssertionError("restore by hand failed: " + output);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
