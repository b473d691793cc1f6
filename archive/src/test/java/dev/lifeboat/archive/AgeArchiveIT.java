package dev.lifeboat.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted archives: read back by Lifeboat, and by the standard age and zstd tools. */
class AgeArchiveIT {
  private static final KeyPair KEYS = keys();

  private static KeyPair keys() {
    try {
      return new X25519KeyPairGenerator().generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] plain() {
    byte[] data = new byte[3 * 1024 * 1024];
    Random random = new Random(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) ('a' + random.nextInt(6));
    }
    return data;
  }

  private static byte[] encrypt(byte[] plain) throws IOException {
    var stored = new ByteArrayOutputStream();
    try (ArchiveWriter writer =
        ArchiveWriter.create(stored, 3, 0, List.of(KEYS.getPublic().toString()))) {
      writer.write(plain);
    }
    return stored.toByteArray();
  }

  @Test
  void lifeboatReadsBackWhatItEncrypted() throws Exception {
    byte[] plain = plain();
    byte[] stored = encrypt(plain);

    assertTrue(
        new String(stored, 0, 21, StandardCharsets.US_ASCII).startsWith("age-encryption.org/v1"));
    assertTrue(stored.length < plain.length / 2, "compressed before encryption");
    try (InputStream in =
        ArchiveReader.open(
            new ByteArrayInputStream(stored), List.of(KEYS.getPrivate().toString()))) {
      assertArrayEquals(plain, in.readAllBytes());
    }
  }

  @Test
  void theStandardToolsDecryptIt(@TempDir Path dir) throws Exception {
    byte[] plain = plain();
    Path dump = dir.resolve("dump");
    Path key = dir.resolve("key.txt");
    Path out = dir.resolve("plain");
    Files.write(dump, encrypt(plain));
    Files.writeString(key, KEYS.getPrivate().toString() + "\n");

    // What docs/restore-by-hand.md tells an operator to run.
    Process shell =
        new ProcessBuilder(
                "bash",
                "-c",
                "set -o pipefail; age -d -i '" + key + "' '" + dump + "' | zstd -d > '" + out + "'")
            .redirectErrorStream(true)
            .start();
    String said = new String(shell.getInputStream().readAllBytes());
    assertEquals(0, shell.waitFor(), said);
    assertArrayEquals(plain, Files.readAllBytes(out));
  }

  @Test
  void theWrongKeyCannotReadIt() throws Exception {
    byte[] stored = encrypt(plain());
    String other = keys().getPrivate().toString();
    assertThrows(
        IOException.class,
        () -> {
          try (InputStream in =
              ArchiveReader.open(new ByteArrayInputStream(stored), List.of(other))) {
            in.readAllBytes();
          }
        });
  }

  @Test
  void badKeysAreClearErrorsThatDoNotEchoSecrets() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AgeEncryption.requireValidRecipients(List.of("age1nope")));
    assertTrue(e.getMessage().contains("is not an age recipient"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> AgeEncryption.requireValidRecipients(List.of()));

    String secret = "AGE-SECRET-KEY-1NOTAREALKEY";
    var d =
        assertThrows(
            IllegalArgumentException.class,
            () -> ArchiveReader.open(new ByteArrayInputStream(new byte[10]), List.of(secret)));
    assertFalse(d.getMessage().contains(secret));
  }
}
