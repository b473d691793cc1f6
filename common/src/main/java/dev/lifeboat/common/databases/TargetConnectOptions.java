package dev.lifeboat.common.databases;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;

/**
 * The reactive client's options for a target's server: credentials and TLS as the target's URL says
 * ({@link TargetTls}), in the reactive client's terms. Callers add their session settings.
 */
public final class TargetConnectOptions {
  private TargetConnectOptions() {}

  public static PgConnectOptions of(TargetDatabase target, String database) {
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(target.host())
            .setPort(target.port())
            .setDatabase(database)
            .setUser(target.username());
    target.password().ifPresent(options::setPassword);
    TargetTls tls = target.tls();
    tls.mode().ifPresent(mode -> options.setSslMode(SslMode.of(mode)));
    tls.rootCert()
        .ifPresent(file -> options.setPemTrustOptions(new PemTrustOptions().addCertPath(file)));
    if (tls.mode().isPresent() && !tls.verifies()) {
      // libpq's require/prefer/allow encrypt without checking the certificate; so does this.
      options.setTrustAll(true);
    }
    if (tls.verifiesHost()) {
      options.setHostnameVerificationAlgorithm("HTTPS");
    }
    if (tls.cert().isPresent()) {
      options.setPemKeyCertOptions(
          new PemKeyCertOptions()
              .setCertPath(tls.cert().get())
              .setKeyPath(tls.key().orElseThrow()));
    }
    return options;
  }
}
