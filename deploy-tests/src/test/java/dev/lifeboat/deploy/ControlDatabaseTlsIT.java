package dev.lifeboat.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.testsupport.LocalPostgres;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestCertificates;
import dev.lifeboat.testsupport.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control database on a server that accepts TLS only, reached with the Quarkus settings
 * docs/configuration.md#tls gives (verify-full against the operator's CA): the packaged
 * audit-service migrates its schema there over JDBC and becomes ready over the reactive client. The
 * server rejects every connection without TLS (hostnossl reject), so both clients used it.
 */
class ControlDatabaseTlsIT {

  @Test
  @SuppressWarnings("try") // the service is held, not used: its readiness is the assertion
  void aServiceUsesAControlDatabaseThatAcceptsOnlyVerifiedTls(@TempDir Path dir) throws Exception {
    TestCertificates certificates = TestCertificates.make(dir.resolve("ca"));
    try (LocalPostgres server =
        LocalPostgres.startTlsOnly(
            TestServers.baseDir().resolve("control-tls"),
            certificates.serverCert(),
            certificates.serverKey())) {
      PostgresEndpoint pg = server.endpoint();
      pg.createDatabase("lifeboat");
      String ca = certificates.caCert().toString();
      Map<String, String> env = new HashMap<>();
      env.put("LIFEBOAT_PG_USER", pg.username());
      env.put("LIFEBOAT_PG_PASSWORD", pg.password());
      env.put("LIFEBOAT_KAFKA", TestServers.kafka().bootstrapServers());
      env.put(
          "LIFEBOAT_JWT_PUBLIC_KEY_LOCATION",
          Repo.path("test-support/src/main/resources/dev/lifeboat/testsupport/jwt/publicKey.pem")
              .toString());
      env.put(
          "QUARKUS_DATASOURCE_JDBC_URL",
          pg.jdbcUrl("lifeboat") + "?sslmode=verify-full&sslrootcert=" + ca);
      env.put("QUARKUS_DATASOURCE_REACTIVE_URL", pg.url("lifeboat"));
      env.put("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE", "verify-full");
      env.put("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM", "true");
      env.put("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS", ca);
      env.put("QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM", "HTTPS");
      try (ServiceProcess audit =
          ServiceProcess.start(
                  Repo.path("audit-service/target/quarkus-app/quarkus-run.jar"),
                  env,
                  Map.of(),
                  dir.resolve("audit-service.log"))
              .awaitReady(Duration.ofSeconds(90))) {
        assertEquals(
            1,
            pg.queryLong(
                "lifeboat",
                "SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_schema = 'audit' AND table_name = 'events'"),
            "Flyway migrated the schema over TLS");
      }
    }
  }
}
