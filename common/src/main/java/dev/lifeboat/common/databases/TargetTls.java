package dev.lifeboat.common.databases;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a target is reached over TLS: libpq's {@code sslmode}, {@code sslrootcert}, {@code sslcert}
 * and {@code sslkey}, given as query parameters of {@code lifeboat.databases.<name>.url} exactly as
 * in a libpq connection URI. Each client is told the same in its own terms: pg_dump and pg_restore
 * by libpq's environment, JDBC by pgjdbc's properties (which take the same names), the reactive
 * client by its options ({@link TargetConnectOptions}).
 *
 * @param mode one of libpq's modes, or empty: each client's default (libpq's and pgjdbc's {@code
 *     prefer}; the reactive client's {@code disable})
 */
public record TargetTls(
    Optional<String> mode, Optional<String> rootCert, Optional<String> cert, Optional<String> key) {
  /** libpq's modes, weakest first. */
  public static final Set<String> MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  static final Set<String> PARAMETERS = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey");

  /** No parameters: every client as by default. */
  public static final TargetTls DEFAULT =
      new TargetTls(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** From the URL's parameters, already limited to {@link #PARAMETERS}. */
  static TargetTls of(String name, Map<String, String> parameters) {
    Optional<String> mode =
        Optional.ofNullable(parameters.get("sslmode")).map(m -> m.toLowerCase(Locale.ROOT));
    if (mode.isPresent() && !MODES.contains(mode.get())) {
      throw new IllegalArgumentException(
          "lifeboat.databases."
              + name
              + ".url sslmode must be one of disable, allow, prefer, require, verify-ca,"
              + " verify-full");
    }
    TargetTls tls =
        new TargetTls(
            mode,
            Optional.ofNullable(parameters.get("sslrootcert")),
            Optional.ofNullable(parameters.get("sslcert")),
            Optional.ofNullable(parameters.get("sslkey")));
    if (tls.verifies() && tls.rootCert().isEmpty()) {
      // libpq would look in ~/.postgresql/root.crt, which a container does not have: say it here.
      throw new IllegalArgumentException(
          "lifeboat.databases."
              + name
              + ".url sslmode="
              + mode.get()
              + " needs sslrootcert=<file> naming the CA certificate (PEM) that signed the"
              + " server's certificate");
    }
    if (tls.cert().isPresent() != tls.key().isPresent()) {
      throw new IllegalArgumentException(
          "lifeboat.databases." + name + ".url sslcert and sslkey go together");
    }
    return tls;
  }

  /** Whether the server's certificate is checked against {@link #rootCert()}. */
  public boolean verifies() {
    return mode.filter(m -> m.startsWith("verify-")).isPresent();
  }

  /** Whether the server's host name is checked against its certificate too. */
  public boolean verifiesHost() {
    return mode.filter("verify-full"::equals).isPresent();
  }

  /** Whether no plain connection is accepted. */
  public boolean required() {
    return mode.filter(m -> m.equals("require") || m.startsWith("verify-")).isPresent();
  }

  /** libpq's environment for pg_dump, pg_restore and psql. */
  public Map<String, String> libpqEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    mode.ifPresent(m -> env.put("PGSSLMODE", m));
    rootCert.ifPresent(f -> env.put("PGSSLROOTCERT", f));
    cert.ifPresent(f -> env.put("PGSSLCERT", f));
    key.ifPresent(f -> env.put("PGSSLKEY", f));
    return env;
  }

  /**
   * pgjdbc's connection properties, which take libpq's names. pgjdbc reads a client key only in
   * PKCS-8 DER or PKCS-12 form (docs/configuration.md#tls).
   */
  public Map<String, String> jdbcProperties() {
    Map<String, String> props = new LinkedHashMap<>();
    mode.ifPresent(m -> props.put("sslmode", m));
    rootCert.ifPresent(f -> props.put("sslrootcert", f));
    cert.ifPresent(f -> props.put("sslcert", f));
    key.ifPresent(f -> props.put("sslkey", f));
    return props;
  }

  /** The parameters as they were given, for the URL shown back to people. */
  String query() {
    StringBuilder query = new StringBuilder();
    jdbcProperties()
        .forEach(
            (k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=').append(v));
    return query.toString();
  }
}
