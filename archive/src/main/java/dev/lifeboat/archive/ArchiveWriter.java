package dev.lifeboat.archive;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes a backup archive: the plain pg_dump stream goes in, zstd-compressed bytes come out to the
 * sink, and on the way the writer counts bytes before and after compression and hashes what is
 * stored. Nothing is buffered beyond zstd's window, so memory stays flat whatever the dump's size.
 *
 * <p>The stored bytes are a standard zstd frame, {@code zstd -d < dump | pg_restore -d db} restores
 * them without Lifeboat; encrypted, a standard age file around that frame ({@code age -d -i key.txt
 * dump | zstd -d | pg_restore -d db}).
 */
public final class ArchiveWriter extends FilterOutputStream {
  private final Counting plain;
  private final Counting stored;
  private final MessageDigest sha256;
  private boolean closed;

  private ArchiveWriter(Counting plain, Counting stored, MessageDigest sha256) {
    super(plain);
    this.plain = plain;
    this.stored = stored;
    this.sha256 = sha256;
  }

  /**
   * @param level zstd level (1 to 19; 3 is zstd's default and fast)
   * @param workers zstd worker threads; 0 compresses on the writing thread
   * @param ageRecipients when not empty, the compressed stream is encrypted to these age keys
   */
  public static ArchiveWriter create(
      OutputStream sink, int level, int workers, List<String> ageRecipients) throws IOException {
    MessageDigest sha256 = digest();
    Counting stored = new Counting(new DigestOutputStream(sink, sha256));
    // Compress first: encrypted bytes do not compress.
    OutputStream compressedTo =
        ageRecipients.isEmpty() ? stored : AgeEncryption.encrypting(stored, ageRecipients);
    return new ArchiveWriter(new Counting(zstd(compressedTo, level, workers)), stored, sha256);
  }

  public static ArchiveWriter create(OutputStream sink, int level, int workers) throws IOException {
    return create(sink, level, workers, List.of());
  }

  private static ZstdOutputStream zstd(OutputStream out, int level, int workers)
      throws IOException {
    ZstdOutputStream zstd = new ZstdOutputStream(out, level);
    if (workers > 0) {
      zstd.setWorkers(workers);
    }
    // The whole dump is one frame; zstd's content checksum lets `zstd -t` test it by hand.
    zstd.setChecksum(true);
    return zstd;
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
  }

  /** Bytes of pg_dump output written so far (the manifest's {@code dumpBytes}). */
  public long plainBytes() {
    return plain.count;
  }

  /** Bytes handed to the sink so far (the manifest's {@code sizeBytes}, once closed). */
  public long storedBytes() {
    return stored.count;
  }

  /** SHA-256 of the stored bytes, lower-case hex; only once closed. */
  public String sha256Hex() {
    if (!closed) {
      throw new IllegalStateException("the archive is still being written");
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** Ends the zstd frame and closes the sink. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      super.close();
      closed = true;
    }
  }

  /** Counts what passes through, without the per-byte cost of FilterOutputStream's defaults. */
  static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
