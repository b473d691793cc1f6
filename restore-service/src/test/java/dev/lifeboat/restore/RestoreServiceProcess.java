package dev.lifeboat.restore;

import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged restore-service as its own process, for the tests that kill or halt it mid-restore
 * and start it again: its own control database, commands topic and event group, so that no other
 * test's service takes its commands.
 */
final class RestoreServiceProcess {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  private final PostgresEndpoint pg = TestServers.postgres();
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final S3Endpoint s3 = TestServers.s3();
  private final String control;
  private final String commands;
  private final Map<String, String> targets = new HashMap<>();

  /**
   * @param control the control database (created here)
   * @param commands the topic its confirmed restores go through
   */
  RestoreServiceProcess(String control, String commands) {
    this.control = control;
    this.commands = commands;
    s3.createBucket(S3Resource.DEFAULT_BUCKET);
    pg.createDatabase(control);
  }

  /** Registers the target {@code name}, whose URL names {@code database} on the test server. */
  RestoreServiceProcess target(String name, String database) {
    return target(name, pg, database);
  }

  /** Registers the target {@code name}, whose URL names {@code database} on {@code server}. */
  RestoreServiceProcess target(String name, PostgresEndpoint server, String database) {
    targets.put("lifeboat.databases." + name + ".url", server.url(database));
    targets.put("lifeboat.databases." + name + ".username", server.username());
    targets.put("lifeboat.databases." + name + ".password", server.password());
    return this;
  }

  String control() {
    return control;
  }

  /** Starts it with {@code env} added to its environment, and waits until it is ready. */
  ServiceProcess start(String logName, Map<String, String> env) {
    return start(logName, env, Map.of(), List.of("-Xmx256m"));
  }

  /** The same with the given JVM options. */
  ServiceProcess start(String logName, Map<String, String> env, List<String> jvmOptions) {
    return start(logName, env, Map.of(), jvmOptions);
  }

  /**
   * Starts it with {@code env} and {@code overrides} (system properties) taking precedence over the
   * defaults here, and waits until it is ready.
   */
  ServiceProcess start(String logName, Map<String, String> env, Map<String, String> overrides) {
    return start(logName, env, overrides, List.of("-Xmx256m"));
  }

  private ServiceProcess start(
      String logName,
      Map<String, String> env,
      Map<String, String> overrides,
      List<String> jvmOptions) {
    Map<String, String> environment = ServiceProcess.serverEnvironment();
    environment.putAll(env);
    Map<String, String> properties = new HashMap<>(targets);
    properties.put("quarkus.datasource.reactive.url", pg.url(control));
    properties.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(control));
    properties.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    properties.put("lifeboat.restore.progress-interval", "200ms");
    properties.put("lifeboat.restore.cancel-poll-interval", "200ms");
    properties.put("mp.messaging.incoming.restore-command-in.topic", commands);
    properties.put("mp.messaging.incoming.events-in.group.id", commands + "-events");
    properties.put("mp.messaging.incoming.restore-command-in.group.id", commands + "-restores");
    // The broker's minimum: the dead process's partitions move to its successor quickly.
    properties.put("mp.messaging.incoming.restore-command-in.session.timeout.ms", "6000");
    properties.put("mp.jwt.verify.publickey.location", ServiceProcess.jwtPublicKeyFile());
    properties.putAll(overrides);
    return ServiceProcess.start(
            JAR.toAbsolutePath(),
            jvmOptions,
            environment,
            properties,
            TestServers.baseDir().resolve(commands + "-" + logName + ".log"))
        .awaitReady(java.time.Duration.ofSeconds(90));
  }

  /** The restore's status in the control database. */
  String status(String restoreId) {
    try (var c = pg.connect(control);
        var s = c.prepareStatement("SELECT status FROM restore.restores WHERE restore_id = ?")) {
      s.setString(1, restoreId);
      var rs = s.executeQuery();
      return rs.next() ? rs.getString(1) : "none";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
