package dev.lifeboat.archive;

import com.github.luben.zstd.ZstdInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads what {@link ArchiveWriter} wrote: checks stored bytes, and gives back the pg_dump stream.
 */
public final class ArchiveReader {
  private static final int BUFFER = 256 * 1024;

  private ArchiveReader() {}

  /** What a stored archive is, read end to end. */
  public record Checksum(long sizeBytes, String sha256) {}

  /** Streams the stored bytes through SHA-256 without keeping them. */
  public static Checksum checksum(InputStream stored) throws IOException {
    MessageDigest sha256 = digest();
    long size = 0;
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = new DigestInputStream(stored, sha256)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        size += n;
      }
    }
    return new Checksum(size, HexFormat.of().formatHex(sha256.digest()));
  }

  /** Stored bytes that are not the ones their manifest promises. */
  public static final class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatchException(String message) {
      super(message);
    }
  }

  /**
   * The stored bytes, checked against the manifest's size and SHA-256 as they are read. The last
   * bytes are handed on only once the whole stream is proven to match, and a mismatch is thrown
   * instead: a reader that restores as it reads (pg_restore in one transaction) never receives the
   * end of a damaged archive, so it never commits it.
   */
  public static InputStream verifying(InputStream stored, long sizeBytes, String sha256) {
    MessageDigest digest = digest();
    return new FilterInputStream(stored) {
      private long read;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (read >= sizeBytes) {
          // Proven at the last byte; anything beyond the promised size is a mismatch too.
          if (in.read() >= 0) {
            throw mismatch("more than the manifest's " + sizeBytes + " bytes");
          }
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, sizeBytes - read));
        if (n < 0) {
          throw mismatch("ends after " + read + " of the manifest's " + sizeBytes + " bytes");
        }
        digest.update(b, off, n);
        read += n;
        if (read == sizeBytes) {
          String actual = HexFormat.of().formatHex(digest.digest());
          if (!actual.equals(sha256)) {
            throw mismatch("has sha256 " + actual + ", the manifest says " + sha256);
          }
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        throw new IOException("a verified stream is read, not skipped");
      }
    };
  }

  private static ChecksumMismatchException mismatch(String what) {
    return new ChecksumMismatchException("the stored backup " + what + ": it is damaged");
  }

  /** The pg_dump custom-format stream inside stored bytes. */
  public static InputStream open(InputStream stored) throws IOException {
    return new ZstdInputStream(stored);
  }

  /** The same for an archive encrypted with age, given the identities that can decrypt it. */
  public static InputStream open(InputStream stored, List<String> ageIdentities)
      throws IOException {
    return ageIdentities.isEmpty()
        ? open(stored)
        : open(AgeEncryption.decrypting(stored, ageIdentities));
  }

  /** Decompresses stored bytes into {@code plain}, returning the plain byte count. */
  public static long decompress(InputStream stored, OutputStream plain) throws IOException {
    long total = 0;
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = open(stored)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        plain.write(buffer, 0, n);
        total += n;
      }
    }
    return total;
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
