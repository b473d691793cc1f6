package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/** S3Proxy on a filesystem store, with signed requests required, as its own process. */
final class LocalS3Proxy implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalS3Proxy.class);

  private final ChildProcess process;
  private final S3Endpoint endpoint;

  private LocalS3Proxy(ChildProcess process, S3Endpoint endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  static LocalS3Proxy start(Path baseDir) {
    ChildProcess.endStale(baseDir);
    Path dir = baseDir.resolve("s3proxy-" + System.currentTimeMillis());
    int port = Ports.free();
    String accessKey = "lifeboat";
    String secretKey = UUID.randomUUID().toString();
    Path config = dir.resolve("s3proxy.properties");
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(
          config,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + accessKey,
              "s3proxy.credential=" + secretKey,
              "jclouds.provider=filesystem-nio2",
              "jclouds.filesystem.basedir=" + dir.resolve("data"),
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChildProcess proxy =
        ChildProcess.start(
            "s3proxy",
            ChildProcess.java(
                "256m",
                Classpaths.s3Proxy(),
                "org.gaul.s3proxy.Main",
                "--properties",
                config.toString()),
            dir);
    proxy.awaitReady(() -> Ports.listening(port), Duration.ofSeconds(60));
    LOG.infof("S3Proxy started on 127.0.0.1:%d, objects in %s", port, dir.resolve("data"));
    return new LocalS3Proxy(
        proxy, new S3Endpoint("http://127.0.0.1:" + port, accessKey, secretKey));
  }

  S3Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    process.close();
  }
}
