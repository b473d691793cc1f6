package dev.lifeboat.archive.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.archive.ArchiveWriter;
import dev.lifeboat.archive.CustomFormatScanner;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.PgProcess;
import dev.lifeboat.archive.storage.ObjectKeys;
import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a real backup into the bucket the way backup-service does (pg_dump custom format, zstd,
 * optional age, SHA-256, then the manifest), for the tests of the services that read backups.
 * Shipped in archive's test jar.
 */
public final class StoredBackupFixture {
  private StoredBackupFixture() {}

  public static Manifest backup(
      PostgresEndpoint pg, S3Endpoint s3, String database, String migration) throws Exception {
    return backup(pg, s3, database, migration, List.of());
  }

  /** A test key pair made with age-keygen; public in this repository, so for tests only. */
  public static final String AGE_RECIPIENT =
      "age17sflt4wljqmrnkgdtcym6tdwetu62lgdx5nfuwxum97flgpn0casnhwl8s";

  public static final String AGE_IDENTITY =
      "AGE-SECRET-KEY-1W4CNWK30PEZ4GNC2SHAKLJHMCTA6EGTCGVDXCEKPMPQGLR8KFSKSJ9H9NE";

  /** A backup encrypted to {@link #AGE_RECIPIENT}, whose identity is {@link #AGE_IDENTITY}. */
  public static Manifest encryptedBackup(PostgresEndpoint pg, S3Endpoint s3, String database)
      throws Exception {
    return backup(pg, s3, database, null, List.of(AGE_RECIPIENT));
  }

  /** With {@code ageRecipients}, the archive is encrypted to them, as backup-service does. */
  public static Manifest backup(
      PostgresEndpoint pg,
      S3Endpoint s3,
      String database,
      String migration,
      List<String> ageRecipients)
      throws Exception {
    return backup(pg, s3, database, database, migration, ageRecipients, null, Map.of());
  }

  /**
   * The safety backup backup-service would take for restore {@code restoreId}: its manifest carries
   * the restore's correlation id and {@code restoreId} label, as restore-service checks.
   */
  public static Manifest safetyBackup(
      PostgresEndpoint pg, S3Endpoint s3, String database, String restoreId) throws Exception {
    return backup(
        pg, s3, database, database, null, List.of(), restoreId, Map.of("restoreId", restoreId));
  }

  /**
   * A backup of the target configured as {@code database} whose URL names {@code physical} on the
   * server: stored under the configured name, dumped from the physical one.
   */
  public static Manifest backupOf(
      PostgresEndpoint pg, S3Endpoint s3, String database, String physical) throws Exception {
    return backup(pg, s3, database, physical, null, List.of(), null, Map.of());
  }

  private static Manifest backup(
      PostgresEndpoint pg,
      S3Endpoint s3,
      String database,
      String physical,
      String migration,
      List<String> ageRecipients,
      String correlationId,
      Map<String, String> labels)
      throws Exception {
    var target =
        new TargetDatabase(
            database,
            pg.host(),
            pg.port(),
            physical,
            pg.username(),
            Optional.of(pg.password()),
            Optional.empty(),
            7,
            Optional.empty());
    PgBinaries binaries = PgBinaries.locate(Optional.of(pg.clientBinDir()));
    String backupId = BackupIds.next(Clock.systemUTC());
    Instant createdAt = Instant.now();
    var stored = new ByteArrayOutputStream();
    Map<TableName, Long> rows;
    ArchiveWriter writer = ArchiveWriter.create(stored, 3, 0, ageRecipients);
    try (PgProcess pgDump =
        PgProcess.start(
            binaries.pgDump(), target, physical, List.of("--format=custom", "--compress=0"))) {
      rows = CustomFormatScanner.copy(pgDump.stdout(), writer).orElseThrow();
      pgDump.finish();
    }
    writer.close();
    byte[] dump = stored.toByteArray();
    List<Manifest.Table> tables =
        rows.entrySet().stream()
            .map(e -> new Manifest.Table(e.getKey().schema(), e.getKey().name(), e.getValue(), 0))
            .toList();
    var manifest =
        new Manifest(
            Manifest.VERSION,
            backupId,
            database,
            createdAt,
            Instant.now(),
            "16",
            Manifest.FORMAT,
            Manifest.COMPRESSION,
            ageRecipients.isEmpty() ? null : "age",
            ageRecipients.isEmpty() ? null : ageRecipients,
            ObjectKeys.dump(database, backupId),
            dump.length,
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dump)),
            writer.plainBytes(),
            tables,
            migration,
            correlationId != null ? "pre-restore" : migration == null ? "test" : "pre-migration",
            labels,
            "fixture",
            correlationId == null ? backupId : correlationId,
            false);
    put(s3, ObjectKeys.dump(database, backupId), dump);
    ObjectMapper json =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    put(s3, ObjectKeys.manifest(database, backupId), json.writeValueAsBytes(manifest));
    // Backup ids have a resolution of one second: the next backup must sort after this one.
    Thread.sleep(1010 - System.currentTimeMillis() % 1000);
    return manifest;
  }

  /** Flips one byte in the middle of the stored dump, leaving the manifest as it was. */
  public static void flipOneByte(S3Endpoint s3, Manifest manifest) throws Exception {
    byte[] dump;
    try (var in =
        s3.client()
            .getObject(
                GetObjectArgs.builder()
                    .bucket(S3Resource.DEFAULT_BUCKET)
                    .object(manifest.objectKey())
                    .build())) {
      dump = in.readAllBytes();
    }
    dump[dump.length / 2] ^= 0x01;
    put(s3, manifest.objectKey(), dump);
  }

  /** Removes every stored backup of the database. */
  public static void clear(S3Endpoint s3, String database) throws Exception {
    var client = s3.client();
    for (var item :
        client.listObjects(
            ListObjectsArgs.builder()
                .bucket(S3Resource.DEFAULT_BUCKET)
                .prefix(database + "/")
                .recursive(true)
                .build())) {
      client.removeObject(
          RemoveObjectArgs.builder()
              .bucket(S3Resource.DEFAULT_BUCKET)
              .object(item.get().objectName())
              .build());
    }
  }

  private static void put(S3Endpoint s3, String key, byte[] bytes) throws Exception {
    s3.client()
        .putObject(
            PutObjectArgs.builder().bucket(S3Resource.DEFAULT_BUCKET).object(key).stream(
                    new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
  }
}
