package dev.lifeboat.common.databases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetDatabasesTest {

  private static TargetDatabases load(Map<String, String> properties) {
    var config =
        new SmallRyeConfigBuilder()
            .withMapping(TargetDatabasesConfig.class)
            .withSources(new PropertiesConfigSource(properties, "test", 100))
            .build()
            .getConfigMapping(TargetDatabasesConfig.class);
    return new TargetDatabases(config);
  }

  @Test
  void readsEveryContractSetting() {
    var targets =
        load(
            Map.of(
                "lifeboat.databases.app.url", "postgresql://db.internal:6543/shop",
                "lifeboat.databases.app.username", "lifeboat",
                "lifeboat.databases.app.password", "s3cret",
                "lifeboat.databases.app.schedule", "0 0 2 * * ?",
                "lifeboat.databases.app.retention.keep-last", "14",
                "lifeboat.databases.app.retention.max-age", "PT720H",
                "lifeboat.databases.billing.url", "postgresql://localhost/billing",
                "lifeboat.databases.billing.username", "reader"));

    TargetDatabase app = targets.get("app");
    assertEquals("db.internal", app.host());
    assertEquals(6543, app.port());
    assertEquals("shop", app.database());
    assertEquals(Optional.of("s3cret"), app.password());
    assertEquals(Optional.of("0 0 2 * * ?"), app.schedule());
    assertEquals(14, app.keepLast());
    assertEquals(Optional.of(Duration.ofDays(30)), app.maxAge());

    TargetDatabase billing = targets.get("billing");
    assertEquals(5432, billing.port());
    assertEquals(7, billing.keepLast(), "the runbooks keep the last 7");
    assertEquals(Optional.empty(), billing.schedule());
    assertEquals(
        java.util.List.of("app", "billing"), java.util.List.copyOf(targets.all().keySet()));
  }

  @Test
  void aPasswordMayComeFromAFile(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("password");
    Files.writeString(secret, "pa$${ss} word\n");
    var targets =
        load(
            Map.of(
                "lifeboat.databases.app.url", "postgresql://localhost/app",
                "lifeboat.databases.app.username", "u",
                "lifeboat.databases.app.password-file", secret.toString()));
    assertEquals(
        Optional.of("pa$${ss} word"),
        targets.get("app").password(),
        "read as written, without its final line break and without expanding expressions");
  }

  @Test
  void anUnreadablePasswordFileOrTwoPasswordsStopTheStart(@TempDir Path dir) {
    var missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    Map.of(
                        "lifeboat.databases.app.url", "postgresql://localhost/app",
                        "lifeboat.databases.app.username", "u",
                        "lifeboat.databases.app.password-file", dir.resolve("absent").toString())));
    assertTrue(
        missing.getMessage().startsWith("lifeboat.databases.app.password-file "),
        missing.getMessage());
    var both =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    Map.of(
                        "lifeboat.databases.app.url", "postgresql://localhost/app",
                        "lifeboat.databases.app.username", "u",
                        "lifeboat.databases.app.password", "x",
                        "lifeboat.databases.app.password-file", dir.toString())));
    assertEquals(
        "lifeboat.databases.app: set either password or password-file, not both",
        both.getMessage());
  }

  @Test
  void anUnknownNameIsAClearError() {
    var targets =
        load(
            Map.of(
                "lifeboat.databases.app.url", "postgresql://localhost/app",
                "lifeboat.databases.app.username", "u"));

    assertFalse(targets.contains("shop"));
    assertFalse(targets.contains(null));
    var e = assertThrows(UnknownDatabaseException.class, () -> targets.get("shop\"; --"));
    assertEquals(
        "unknown database \"shop\\u0022; --\": not configured under lifeboat.databases",
        e.getMessage());
  }

  @Test
  void neverPrintsThePassword() {
    var targets =
        load(
            Map.of(
                "lifeboat.databases.app.url", "postgresql://localhost/app",
                "lifeboat.databases.app.username", "u",
                "lifeboat.databases.app.password", "hunter2"));

    assertFalse(targets.get("app").toString().contains("hunter2"));
    assertFalse(targets.all().toString().contains("hunter2"));
  }

  @Test
  void refusesAnInvalidConfiguredName() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    Map.of(
                        "lifeboat.databases.App.url", "postgresql://localhost/app",
                        "lifeboat.databases.App.username", "u")));
    assertTrue(e.getMessage().contains("lifeboat.databases.App"), e.getMessage());
  }

  @Test
  void libpqsTlsParametersReachEveryClient() {
    TargetDatabase target =
        load(Map.of(
                "lifeboat.databases.app.url",
                "postgresql://db.example.com:5432/app?sslmode=verify-full"
                    + "&sslrootcert=%2Fetc%2Flifeboat%2Fca.pem",
                "lifeboat.databases.app.username",
                "u"))
            .get("app");
    assertEquals("app", target.database());
    assertEquals(
        Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/etc/lifeboat/ca.pem"),
        target.tls().libpqEnvironment());
    assertEquals(
        Map.of("sslmode", "verify-full", "sslrootcert", "/etc/lifeboat/ca.pem"),
        target.tls().jdbcProperties());
    assertTrue(target.tls().verifiesHost());
    assertEquals(
        "postgresql://db.example.com:5432/app?sslmode=verify-full&sslrootcert=/etc/lifeboat/ca.pem",
        target.url());
    var options = TargetConnectOptions.of(target, "app");
    assertEquals(io.vertx.pgclient.SslMode.VERIFY_FULL, options.getSslMode());
    assertEquals("HTTPS", options.getHostnameVerificationAlgorithm());
    assertFalse(options.isTrustAll());

    TargetDatabase plain =
        load(Map.of(
                "lifeboat.databases.app.url",
                "postgresql://localhost/app",
                "lifeboat.databases.app.username",
                "u"))
            .get("app");
    assertEquals(Map.of(), plain.tls().libpqEnvironment());
    assertEquals(
        io.vertx.pgclient.SslMode.DISABLE, TargetConnectOptions.of(plain, "app").getSslMode());
    TargetDatabase required =
        load(Map.of(
                "lifeboat.databases.app.url",
                "postgresql://localhost/app?sslmode=REQUIRE",
                "lifeboat.databases.app.username",
                "u"))
            .get("app");
    assertEquals(Map.of("PGSSLMODE", "require"), required.tls().libpqEnvironment());
    assertTrue(TargetConnectOptions.of(required, "app").isTrustAll());
  }

  @Test
  void refusesUrlsThatAreNotPlainPostgresqlUrls() {
    for (String url :
        new String[] {
          "jdbc:postgresql://localhost/app",
          "mysql://localhost/app",
          "postgresql://user:hunter2@localhost/app",
          "postgresql://localhost/",
          "postgresql://localhost/a/b",
          "postgresql://localhost/app?sslmode=sometimes",
          "postgresql://localhost/app?application_name=x",
          "postgresql://localhost/app?sslmode=require&sslmode=disable",
          "postgresql://localhost/app?sslmode=verify-full",
          "postgresql://localhost/app?sslmode=require&sslcert=/c.pem",
          "postgresql://localhost/app?sslmode=",
          "postgresql://localhost/app#x",
          "not a url"
        }) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  load(
                      Map.of(
                          "lifeboat.databases.app.url",
                          url,
                          "lifeboat.databases.app.username",
                          "u")),
              url);
      assertTrue(e.getMessage().startsWith("lifeboat.databases.app.url "), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), "the URL's password is not echoed");
    }
  }

  @Test
  void refusesRetentionThatWouldDeleteEverything() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    Map.of(
                        "lifeboat.databases.app.url", "postgresql://localhost/app",
                        "lifeboat.databases.app.username", "u",
                        "lifeboat.databases.app.retention.keep-last", "0")));
    assertTrue(e.getMessage().contains("keep-last"), e.getMessage());
  }
}
