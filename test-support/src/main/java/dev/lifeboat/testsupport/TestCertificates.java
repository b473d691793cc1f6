package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A certificate authority of a test's own, made with the {@code openssl} program, and a server
 * certificate it signed for 127.0.0.1 and localhost: what a managed PostgreSQL presents, and the CA
 * file its users pass as {@code sslrootcert}. All files are PEM.
 *
 * @param caCert the CA's certificate (what {@code sslrootcert} names)
 * @param serverCert the server's certificate, signed by the CA
 * @param serverKey the server's private key
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey) {

  /** A new CA under {@code dir}, and a server certificate it signed. */
  public static TestCertificates make(Path dir) {
    try {
      Files.createDirectories(dir);
      Path caKey = dir.resolve("ca.key");
      Path caCert = dir.resolve("ca.crt");
      Path serverKey = dir.resolve("server.key");
      Path csr = dir.resolve("server.csr");
      Path serverCert = dir.resolve("server.crt");
      Path extensions = dir.resolve("server.ext");
      Files.writeString(
          extensions, "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.US_ASCII);
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          caKey.toString(),
          "-out",
          caCert.toString(),
          "-days",
          "3",
          "-subj",
          "/CN=Lifeboat test CA " + dir.getFileName());
      openssl(
          dir,
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          serverKey.toString(),
          "-out",
          csr.toString(),
          "-subj",
          "/CN=127.0.0.1");
      openssl(
          dir,
          "x509",
          "-req",
          "-in",
          csr.toString(),
          "-CA",
          caCert.toString(),
          "-CAkey",
          caKey.toString(),
          "-CAcreateserial",
          "-out",
          serverCert.toString(),
          "-days",
          "3",
          "-extfile",
          extensions.toString());
      return new TestCertificates(caCert, serverCert, serverKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IllegalStateException("openssl " + args[0] + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while openssl ran", e);
    }
  }
}
