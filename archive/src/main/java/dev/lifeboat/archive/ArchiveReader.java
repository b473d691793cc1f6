package dev.lifeboat.archive;

import com.github.luben.zstd.ZstdInputStream;
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
