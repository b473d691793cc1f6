package dev.lifeboat.archive;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Client-side encryption in the age format (age-encryption.org/v1, X25519 recipients). The writer
 * needs only public keys ({@code age1...}): the service that takes backups cannot read them. The
 * private identities ({@code AGE-SECRET-KEY-1...}) are needed to restore, by Lifeboat or by hand
 * with {@code age -d -i key.txt}.
 */
public final class AgeEncryption {
  /** The manifest's {@code encryption} scheme. */
  public static final String SCHEME = "age";

  private AgeEncryption() {}

  /** Checks recipients before the first backup needs them. */
  public static void requireValidRecipients(List<String> recipients) {
    writers(recipients);
  }

  static OutputStream encrypting(OutputStream stored, List<String> recipients) throws IOException {
    try {
      return Channels.newOutputStream(
          new StandardEncryptingChannelFactory()
              .newEncryptingChannel(Channels.newChannel(stored), writers(recipients)));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start age encryption: " + e.getMessage(), e);
    }
  }

  static InputStream decrypting(InputStream stored, List<String> identities) throws IOException {
    List<RecipientStanzaReader> readers = new ArrayList<>();
    for (String identity : identities) {
      try {
        readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity.strip()));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // The identity is a secret: never echo it.
        throw new IllegalArgumentException(
            "an age identity is not a valid AGE-SECRET-KEY-1... key");
      }
    }
    try {
      return Channels.newInputStream(
          new StandardDecryptingChannelFactory()
              .newDecryptingChannel(Channels.newChannel(stored), readers));
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot decrypt the archive with the configured age identities: " + e.getMessage(), e);
    }
  }

  private static List<RecipientStanzaWriter> writers(List<String> recipients) {
    if (recipients.isEmpty()) {
      throw new IllegalArgumentException("age encryption needs at least one recipient (age1...)");
    }
    List<RecipientStanzaWriter> writers = new ArrayList<>();
    for (String recipient : recipients) {
      try {
        writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient.strip()));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "\"" + recipient + "\" is not an age recipient (age1...): " + e.getMessage());
      }
    }
    return writers;
  }
}
