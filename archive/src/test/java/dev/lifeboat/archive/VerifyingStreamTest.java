package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ArchiveReader#verifying}: a damaged archive's last bytes never reach the reader. */
class VerifyingStreamTest {
  private final byte[] stored = new byte[300_000];

  VerifyingStreamTest() {
    new Random(7).nextBytes(stored);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Reads in 64 KiB pieces, as pg_restore's feeder does, keeping what was handed on. */
  private static ByteArrayOutputStream drain(InputStream in, ByteArrayOutputStream handedOn)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      handedOn.write(buffer, 0, n);
    }
    return handedOn;
  }

  @Test
  void anArchiveThatMatchesIsHandedOnWhole() throws Exception {
    var out =
        drain(
            ArchiveReader.verifying(
                new ByteArrayInputStream(stored), stored.length, sha256(stored)),
            new ByteArrayOutputStream());
    assertArrayEquals(stored, out.toByteArray());
  }

  @Test
  void aChangedByteStopsTheStreamBeforeItsEnd() throws Exception {
    String promised = sha256(stored);
    stored[150_000] ^= 1;
    var handedOn = new ByteArrayOutputStream();
    var e =
        assertThrows(
            ArchiveReader.ChecksumMismatchException.class,
            () ->
                drain(
                    ArchiveReader.verifying(
                        new ByteArrayInputStream(stored), stored.length, promised),
                    handedOn));
    assertTrue(e.getMessage().contains("the manifest says " + promised), e.getMessage());
    assertTrue(handedOn.size() < stored.length, "the last bytes were held back");
  }

  @Test
  void aShortOrLongArchiveIsAMismatchToo() throws Exception {
    String sha = sha256(stored);
    assertThrows(
        ArchiveReader.ChecksumMismatchException.class,
        () ->
            drain(
                ArchiveReader.verifying(
                    new ByteArrayInputStream(stored, 0, stored.length - 1), stored.length, sha),
                new ByteArrayOutputStream()));
    byte[] longer = new byte[stored.length + 1];
    System.arraycopy(stored, 0, longer, 0, stored.length);
    var handedOn = new ByteArrayOutputStream();
    assertThrows(
        ArchiveReader.ChecksumMismatchException.class,
        () ->
            drain(
                ArchiveReader.verifying(new ByteArrayInputStream(longer), stored.length, sha),
                handedOn));
    assertEquals(stored.length, handedOn.size(), "no byte past the promised size");
  }
}
