package dev.lifeboat.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code <database>/<backupId>/manifest.json}, written last: a backup without one does not exist.
 * Row counts are exact and taken in the dump's own snapshot, so they describe what the dump holds.
 *
 * @param createdAt when the dump's snapshot was taken: the moment the backup's data is from
 * @param encryption null, or {@code age}: the stored bytes are an age file
 * @param encryptionKeyIds the age recipients (public keys) the archive is encrypted to
 * @param sizeBytes stored bytes (after compression and encryption)
 * @param sha256 of the stored bytes
 * @param dumpBytes pg_dump's output before compression
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
  "manifestVersion",
  "backupId",
  "database",
  "createdAt",
  "completedAt",
  "serverVersion",
  "format",
  "compression",
  "encryption",
  "objectKey",
  "sizeBytes",
  "sha256",
  "dumpBytes",
  "tables",
  "migration",
  "reason",
  "labels",
  "requestedBy",
  "correlationId",
  "pinned"
})
public record Manifest(
    int manifestVersion,
    String backupId,
    String database,
    Instant createdAt,
    Instant completedAt,
    String serverVersion,
    String format,
    String compression,
    String encryption,
    List<String> encryptionKeyIds,
    String objectKey,
    long sizeBytes,
    String sha256,
    long dumpBytes,
    List<Table> tables,
    String migration,
    String reason,
    Map<String, String> labels,
    String requestedBy,
    String correlationId,
    boolean pinned) {

  public static final int VERSION = 1;
  public static final String FORMAT = "pg_dump-custom";
  public static final String COMPRESSION = "zstd";

  /** One table's data in the dump. */
  public record Table(String schema, String name, long rows, long bytes) {}
}
