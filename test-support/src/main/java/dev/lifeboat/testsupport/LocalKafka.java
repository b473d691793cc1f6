package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * A single-node KRaft Kafka broker (broker and controller in one JVM) from the Maven Central jars
 * that the test-servers module resolved. A test that owns one (see {@link OwnKafkaResource}) may
 * {@link #stop()} it and {@link #restart()} it: same port, same data.
 */
public final class LocalKafka implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalKafka.class);

  private final Path dir;
  private final Path config;
  private final int port;
  private final KafkaEndpoint endpoint;
  private ChildProcess process;
  private int restarts;

  private LocalKafka(Path dir, Path config, int port, ChildProcess process) {
    this.dir = dir;
    this.config = config;
    this.port = port;
    this.process = process;
    this.endpoint = new KafkaEndpoint("127.0.0.1:" + port);
  }

  static LocalKafka start(Path baseDir) {
    ChildProcess.endStale(baseDir);
    Path dir = baseDir.resolve("kafka-" + System.currentTimeMillis());
    int port = Ports.free();
    int controllerPort = Ports.free();
    String classpath = Classpaths.kafkaBroker();
    Path config = dir.resolve("server.properties");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          config,
          String.join(
              "\n",
              "process.roles=broker,controller",
              "node.id=1",
              "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
              "listeners=PLAINTEXT://127.0.0.1:"
                  + port
                  + ",CONTROLLER://127.0.0.1:"
                  + controllerPort,
              "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
              "controller.listener.names=CONTROLLER",
              "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
              "inter.broker.listener.name=PLAINTEXT",
              "log.dirs=" + dir.resolve("data"),
              "num.partitions=1",
              "auto.create.topics.enable=true",
              // One node: every internal topic has a single replica.
              "offsets.topic.replication.factor=1",
              "offsets.topic.num.partitions=1",
              "transaction.state.log.replication.factor=1",
              "transaction.state.log.min.isr=1",
              "share.coordinator.state.topic.replication.factor=1",
              "share.coordinator.state.topic.min.isr=1",
              // The 128 MB default does not fit the small heap this broker gets.
              "log.cleaner.dedupe.buffer.size=16777216",
              "group.initial.rebalance.delay.ms=0",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChildProcess format =
        ChildProcess.start(
            "kafka-storage",
            ChildProcess.java(
                "128m",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                clusterId(),
                "-c",
                config.toString()),
            dir);
    format.awaitExit(Duration.ofSeconds(60));
    ChildProcess broker = broker("kafka", dir, config, port);
    LOG.infof("Kafka broker started on 127.0.0.1:%d, logs in %s", port, dir);
    return new LocalKafka(dir, config, port, broker);
  }

  private static ChildProcess broker(String name, Path dir, Path config, int port) {
    ChildProcess broker =
        ChildProcess.start(
            name,
            ChildProcess.java("256m", Classpaths.kafkaBroker(), "kafka.Kafka", config.toString()),
            dir);
    broker.awaitReady(() -> Ports.listening(port), Duration.ofSeconds(60));
    return broker;
  }

  public KafkaEndpoint endpoint() {
    return endpoint;
  }

  /** Stops the broker (a clean shutdown); its port stays reserved for {@link #restart()}. */
  public synchronized void stop() {
    process.close();
    LOG.infof("Kafka broker on 127.0.0.1:%d stopped", port);
  }

  /** Starts the stopped broker again on its port with its data, and waits until it listens. */
  public synchronized void restart() {
    restarts++;
    process = broker("kafka-restart-" + restarts, dir, config, port);
    LOG.infof("Kafka broker restarted on 127.0.0.1:%d", port);
  }

  @Override
  public synchronized void close() {
    process.close();
  }

  /**
   * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, never starting with a
   * dash (the storage tool would read it as an option; Kafka's own generator avoids it too).
   */
  static String clusterId() {
    while (true) {
      UUID uuid = UUID.randomUUID();
      var buffer = java.nio.ByteBuffer.allocate(16);
      buffer.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
      String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
      if (!id.startsWith("-")) {
        return id;
      }
    }
  }
}
