package dev.lifeboat.backup.dump;

import dev.lifeboat.archive.AgeEncryption;
import dev.lifeboat.archive.ArchiveWriter;
import dev.lifeboat.archive.CustomFormatScanner;
import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.PgBinaries;
import dev.lifeboat.archive.PgProcess;
import dev.lifeboat.archive.PostgresClientConfig;
import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.backup.BackupConfig;
import dev.lifeboat.backup.storage.BackupStore;
import dev.lifeboat.backup.storage.StorageException;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.work.WorkerThreads;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One consistent dump, streamed: pg_dump's stdout → zstd → SHA-256 → multipart upload, through a
 * bounded in-memory pipe, never a file. Memory per running dump is the pipe, the buffers, zstd's
 * window and one upload part, whatever the database's size.
 */
@ApplicationScoped
public class DumpPipeline {
  /** Room for compressed output while a part uploads, so that compression need not wait. */
  /** 16 chunks of 256 KiB: at most 4 MiB of archive between compressing and uploading. */
  private static final int PIPE_CHUNKS = 16;

  private static final int PIPE_CHUNK_BYTES = 256 * 1024;

  private static final int IO_BUFFER = 1024 * 1024;

  private final BackupStore store;
  private final BackupConfig config;
  private final List<String> recipients;
  private final PgBinaries binaries;
  private final ExecutorService uploads = WorkerThreads.unbounded("backup-upload");

  public DumpPipeline(BackupStore store, BackupConfig config, PostgresClientConfig postgres) {
    this.store = store;
    this.config = config;
    this.binaries = PgBinaries.locate(postgres.binDir());
    this.recipients = config.encryption().recipients().orElse(List.of());
    if (!recipients.isEmpty()) {
      AgeEncryption.requireValidRecipients(recipients);
    }
  }

  /** Told how far the dump is, at least every interval or byte step of the configuration. */
  @FunctionalInterface
  public interface ProgressListener {
    void progress(long bytesDumped, long bytesStored, long bytesPerSecond);
  }

  /** What was dumped and stored. */
  public record Result(
      Instant createdAt,
      String serverVersion,
      List<Manifest.Table> tables,
      long dumpBytes,
      long sizeBytes,
      String sha256,
      String encryption,
      List<String> encryptionKeyIds) {}

  /**
   * Dumps the target into {@code objectKey}. On failure the exception says why (pg_dump's stderr,
   * the storage error); the caller removes whatever the upload left.
   */
  public Result run(TargetDatabase target, String objectKey, ProgressListener listener)
      throws SQLException, IOException, StorageException {
    // Shared with other backups, exclusive with a restore of the same database: never both.
    DatabaseLocks.Lease lock = DatabaseLocks.shared(target, config.lockWait());
    try (lock;
        SnapshotSession snapshot = SnapshotSession.open(target)) {
      binaries.requireCanDump(snapshot.serverVersionNum());
      Instant createdAt = Instant.now();
      List<Manifest.Table> catalogTables = snapshot.tables();

      BoundedPipe pipe = new BoundedPipe(PIPE_CHUNKS, PIPE_CHUNK_BYTES);
      InputStream toStorage = pipe.input();
      OutputStream fromDump = pipe.output();
      Future<?> upload =
          uploads.submit(
              () -> {
                // Closing the reading end, also on failure, breaks the pipe for the dump.
                try (toStorage) {
                  store.upload(objectKey, toStorage);
                }
                return null;
              });
      ArchiveWriter writer = null;
      try (PgProcess pgDump =
          PgProcess.start(
              binaries.pgDump(),
              target,
              target.database(),
              List.of(
                  "--format=custom",
                  "--compress=0",
                  "--snapshot=" + snapshot.snapshotId(),
                  "--no-password"))) {
        writer =
            ArchiveWriter.create(
                fromDump, config.compressionLevel(), config.compressionWorkers(), recipients);
        // The scanner passes headers on in pieces of a few bytes: buffered, zstd gets 1 MiB writes.
        var toWriter = new BufferedOutputStream(progress(writer, listener), IO_BUFFER);
        Optional<Map<TableName, Long>> streamCounts;
        try {
          streamCounts =
              CustomFormatScanner.copy(
                  new BufferedInputStream(pgDump.stdout(), IO_BUFFER), toWriter);
        } catch (EOFException truncated) {
          // pg_dump stopped in the middle of the archive: its own words say why, when it failed.
          pgDump.finish();
          throw truncated;
        }
        toWriter.flush();
        pgDump.finish();
        writer.close();
        awaitUpload(upload);
        // Counted on the way as a rule; should pg_dump's format be one the scanner does not
        // know, SQL counts in the same snapshot, still open, give the same exact figures.
        List<Manifest.Table> tables =
            streamCounts.isPresent()
                ? withRows(catalogTables, streamCounts.get())
                : snapshot.countRows(catalogTables);
        return new Result(
            createdAt,
            snapshot.serverVersion(),
            tables,
            writer.plainBytes(),
            writer.storedBytes(),
            writer.sha256Hex(),
            recipients.isEmpty() ? null : AgeEncryption.SCHEME,
            recipients.isEmpty() ? null : recipients);
      } catch (IOException | RuntimeException | StorageException e) {
        // A pipe broken at its reading end means the upload gave up first: its error is the one
        // worth reporting. Otherwise the dump failed: fail the upload rather than let it complete
        // a truncated object.
        boolean uploadGaveUp = pipe.readerClosed();
        toStorage.close();
        closeQuietly(writer);
        if (uploadGaveUp && e instanceof IOException brokenPipe) {
          throw uploadFailure(upload).orElseThrow(() -> brokenPipe);
        }
        upload.cancel(true);
        throw e;
      }
    }
  }

  /** The tables the archive holds, with their rows as counted and their sizes from the catalog. */
  static List<Manifest.Table> withRows(List<Manifest.Table> catalog, Map<TableName, Long> rows) {
    Map<TableName, Long> sizes = new HashMap<>();
    catalog.forEach(t -> sizes.put(new TableName(t.schema(), t.name()), t.bytes()));
    return rows.entrySet().stream()
        .map(
            e ->
                new Manifest.Table(
                    e.getKey().schema(),
                    e.getKey().name(),
                    e.getValue(),
                    sizes.getOrDefault(e.getKey(), 0L)))
        .sorted(Comparator.comparing(Manifest.Table::schema).thenComparing(Manifest.Table::name))
        .toList();
  }

  /** Passes the plain dump to the writer, telling the listener how far it is now and then. */
  private OutputStream progress(ArchiveWriter writer, ProgressListener listener) {
    long intervalNanos = config.progressInterval().toNanos();
    long started = System.nanoTime();
    return new FilterOutputStream(writer) {
      private long lastReport = started;
      private long bytesAtLastReport;

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writer.write(b, off, len);
        long now = System.nanoTime();
        if (now - lastReport >= intervalNanos
            || writer.plainBytes() - bytesAtLastReport >= config.progressBytes()) {
          long rate = (long) (writer.plainBytes() / Math.max(1e-9, (now - started) / 1e9));
          listener.progress(writer.plainBytes(), writer.storedBytes(), rate);
          lastReport = now;
          bytesAtLastReport = writer.plainBytes();
        }
      }
    };
  }

  /** The upload's own failure, if it failed (waiting briefly for it to finish failing). */
  private static Optional<StorageException> uploadFailure(Future<?> upload) {
    try {
      upload.get(30, TimeUnit.SECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      return e.getCause() instanceof StorageException storage
          ? Optional.of(storage)
          : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (TimeoutException e) {
      upload.cancel(true);
      return Optional.empty();
    }
  }

  private static void closeQuietly(ArchiveWriter writer) {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        // The pipe is closed on purpose; only zstd's native context needed releasing.
      }
    }
  }

  private static void awaitUpload(Future<?> upload) throws StorageException, IOException {
    try {
      upload.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the upload finished", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StorageException storage) {
        throw storage;
      }
      throw new IOException("upload failed: " + e.getCause().getMessage(), e.getCause());
    }
  }

  @PreDestroy
  void stop() {
    uploads.shutdownNow();
  }
}
