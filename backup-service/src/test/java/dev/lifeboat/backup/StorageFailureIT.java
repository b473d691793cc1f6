package dev.lifeboat.backup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import io.minio.ListMultipartUploadsResponse;
import io.minio.MinioAsyncClient;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backup breaks half-way: the object store's connection in the middle of a multipart upload, or
 * pg_dump's connection in the middle of a table.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(CuttingS3Resource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = "bulky"),
      @ResourceArg(name = "control", value = "lifeboat_storage_failure")
    })
class StorageFailureIT {
  private final PostgresEndpoint pg = TestServers.postgres();
  private final StoredBackups stored = new StoredBackups(TestServers.s3());

  @Test
  void aStorageFailureMidUploadFailsTheBackupAndLeavesNothing() throws Exception {
    // About 60 MB of hex text: a dump of several 5 MiB parts even after zstd.
    hexTable("blobs", 900_000);
    CuttingS3Resource.proxy.cutAfter(8L * 1024 * 1024);

    String backupId = BackupApi.requestBackup("bulky");

    String reason = BackupApi.failureReason(backupId, Duration.ofSeconds(90));
    assertEquals(1, CuttingS3Resource.proxy.cuts(), "the upload's connection was cut");
    assertTrue(reason.startsWith("upload of bulky/" + backupId + "/dump failed"), reason);

    assertEquals(List.of(), stored.keys("bulky/" + backupId + "/"), "no object, no manifest");
    assertEquals(
        List.of(), incompleteUploads("bulky/"), "no incomplete multipart upload left behind");
  }

  @Test
  void pgDumpDyingMidTableFailsTheBackupWithItsOwnWordsAndLeavesNothing() throws Exception {
    // About 200 MB of COPY text: pg_dump spends seconds on this one table.
    hexTable("slow", 3_000_000);
    try {
      String backupId = BackupApi.requestBackup("bulky");

      // The server ends pg_dump's session while it copies the table, as a crash or a DBA would.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(10))
          .until(
              () ->
                  pg.queryLong(
                          "bulky",
                          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                              + " WHERE application_name = 'lifeboat' AND query LIKE 'COPY %slow%'")
                      == 1);

      String reason = BackupApi.failureReason(backupId, Duration.ofSeconds(90));
      // pg_dump's own account, not merely that the archive ended early. Its detail varies with
      // whether libpq read the server's goodbye ("terminating connection due to administrator
      // command") before the socket closed ("server closed the connection unexpectedly").
      assertTrue(reason.contains("pg_dump failed"), reason);
      assertTrue(reason.contains("Dumping the contents of table \"slow\" failed"), reason);
      assertEquals(List.of(), stored.keys("bulky/" + backupId + "/"), "no object, no manifest");
      assertEquals(List.of(), incompleteUploads("bulky/"), "no incomplete multipart upload");
    } finally {
      pg.execute("bulky", "DROP TABLE slow");
    }
  }

  /** A table of {@code rows} rows of 64 hex digits each, which compress poorly. */
  private void hexTable(String name, int rows) {
    pg.execute(
        "bulky",
        """
        DROP TABLE IF EXISTS %1$s;
        CREATE TABLE %1$s AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS body
          FROM generate_series(1, %2$d) g;
        """
            .formatted(name, rows));
  }

  private static List<String> incompleteUploads(String prefix) throws Exception {
    var s3 = TestServers.s3();
    ListMultipartUploadsResponse uploads =
        MinioAsyncClient.builder()
            .endpoint(s3.url())
            .credentials(s3.accessKey(), s3.secretKey())
            .build()
            .listMultipartUploadsAsync(
                S3Resource.DEFAULT_BUCKET, null, null, null, prefix, 1000, null, null, null, null)
            .get();
    return uploads.result().uploads().stream().map(u -> u.objectName()).toList();
  }
}
