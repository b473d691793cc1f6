package dev.lifeboat.backup;

import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The packaged backup-service as its own process, for the tests that kill, halt or cut it off
 * mid-backup and start it again: its own control database and requests topic, so that no other
 * test's service takes its commands.
 */
final class BackupServiceProcess {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private final PostgresEndpoint pg = TestServers.postgres();
  private final String requests;
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> properties = new HashMap<>();

  /**
   * @param control the control database (created here)
   * @param requests the topic its backup commands go through
   */
  BackupServiceProcess(String control, String requests) {
    this.requests = requests;
    TestServers.s3().createBucket(S3Resource.DEFAULT_BUCKET);
    pg.createDatabase(control);
    controlAt(pg.host(), pg.port(), control);
    properties.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    properties.put("mp.messaging.incoming.backup-requests.topic", requests);
    properties.put("mp.messaging.outgoing.backup-commands.topic", requests);
    // The broker's minimum: a dead process's partitions move to its successor quickly.
    properties.put("mp.messaging.incoming.backup-requests.session.timeout.ms", "6000");
    properties.put("mp.jwt.verify.publickey.location", ServiceProcess.jwtPublicKeyFile());
  }

  /** Reaches the control database through {@code host:port} (a cutting proxy) instead. */
  BackupServiceProcess controlAt(String host, int port, String control) {
    properties.put(
        "quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + control);
    properties.put(
        "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + host + ":" + port + "/" + control);
    return this;
  }

  /** Registers the target {@code name}, whose URL names the same database on the test server. */
  BackupServiceProcess target(String name) {
    properties.put("lifeboat.databases." + name + ".url", pg.url(name));
    properties.put("lifeboat.databases." + name + ".username", pg.username());
    properties.put("lifeboat.databases." + name + ".password", pg.password());
    return this;
  }

  /** A system property, over the defaults here. */
  BackupServiceProcess property(String key, String value) {
    properties.put(key, value);
    return this;
  }

  /** An environment variable, over the test servers' ones. */
  BackupServiceProcess env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Starts it and waits until it is ready; its log is {@code <requests>-<logName>.log}. */
  ServiceProcess start(String logName) {
    Map<String, String> environment = ServiceProcess.serverEnvironment();
    environment.putAll(env);
    return ServiceProcess.start(
            JAR.toAbsolutePath(),
            environment,
            new HashMap<>(properties),
            TestServers.baseDir().resolve(requests + "-" + logName + ".log"))
        .awaitReady(Duration.ofSeconds(60));
  }
}
