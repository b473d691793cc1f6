package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the classpaths that the test-servers module resolved from Maven Central at build time. */
final class Classpaths {
  private Classpaths() {}

  static String kafkaBroker() {
    return read("kafka.classpath");
  }

  static String s3Proxy() {
    return read("s3proxy.classpath");
  }

  private static String read(String resource) {
    try (InputStream in = Classpaths.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource
                + " is missing: build the test-support/servers module first (./mvnw install -pl test-support/servers)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
