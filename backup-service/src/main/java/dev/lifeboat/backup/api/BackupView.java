package dev.lifeboat.backup.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.backup.catalog.Backup;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backup as the API shows it: the manifest's fields (once it exists), its status, and while it
 * runs, its progress.
 *
 * <p>Fields the manifest may hold as null are shown as null, not left out, as in the manifest: the
 * request's own ones from the start, {@code encryption} and {@code encryptionKeyIds} (wrapped in
 * Optional, which an absent manifest leaves null and so out) once the manifest exists.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupView(
    String backupId,
    String database,
    String status,
    Integer manifestVersion,
    Instant requestedAt,
    Instant startedAt,
    Instant createdAt,
    Instant completedAt,
    String serverVersion,
    String format,
    String compression,
    Optional<String> encryption,
    Optional<List<String>> encryptionKeyIds,
    String objectKey,
    Long sizeBytes,
    String sha256,
    Long dumpBytes,
    List<Manifest.Table> tables,
    @JsonInclude(JsonInclude.Include.ALWAYS) String migration,
    @JsonInclude(JsonInclude.Include.ALWAYS) String reason,
    Map<String, String> labels,
    @JsonInclude(JsonInclude.Include.ALWAYS) String requestedBy,
    String correlationId,
    boolean pinned,
    Instant verifiedAt,
    Progress progress,
    String failureReason) {

  /** Live figures of a running backup. */
  public record Progress(long bytesDumped, long bytesStored, long bytesPerSecond) {}

  public static BackupView of(Backup b) {
    Manifest m = b.manifest();
    Progress progress =
        switch (b.status()) {
          case RUNNING -> new Progress(b.bytesDumped(), b.bytesStored(), b.bytesPerSecond());
          default -> null;
        };
    return new BackupView(
        b.backupId(),
        b.database(),
        b.status().name(),
        m == null ? null : m.manifestVersion(),
        b.requestedAt(),
        b.startedAt(),
        m == null ? null : m.createdAt(),
        b.completedAt(),
        m == null ? null : m.serverVersion(),
        m == null ? null : m.format(),
        m == null ? null : m.compression(),
        m == null ? null : Optional.ofNullable(m.encryption()),
        m == null ? null : Optional.ofNullable(m.encryptionKeyIds()),
        m == null ? null : m.objectKey(),
        m == null ? null : m.sizeBytes(),
        m == null ? null : m.sha256(),
        m == null ? null : m.dumpBytes(),
        m == null ? null : m.tables(),
        b.migration(),
        b.reason(),
        b.labels(),
        b.requestedBy(),
        b.correlationId(),
        b.pinned(),
        b.verifiedAt(),
        progress,
        b.failureReason());
  }

  /** The answer to a backup request. */
  public record Accepted(String backupId, String status) {}
}
