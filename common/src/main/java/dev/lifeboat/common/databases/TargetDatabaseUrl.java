package dev.lifeboat.common.databases;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code postgresql://host[:port]/dbname[?sslmode=...&sslrootcert=...]}, the contract's form
 * of a target URL with libpq's TLS parameters ({@link TargetTls}).
 */
final class TargetDatabaseUrl {
  static final int DEFAULT_PORT = 5432;

  record Parts(String host, int port, String database, TargetTls tls) {}

  private TargetDatabaseUrl() {}

  static Parts parse(String name, String url) {
    URI uri;
    try {
      uri = new URI(url == null ? "" : url.strip());
    } catch (URISyntaxException e) {
      throw invalid(name, "is not a URL");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw invalid(name, "must start with postgresql://");
    }
    if (uri.getRawUserInfo() != null) {
      throw invalid(
          name,
          "must not hold credentials: set lifeboat.databases." + name + ".username and .password");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw invalid(name, "has no host");
    }
    if (uri.getRawFragment() != null) {
      throw invalid(name, "must not have a fragment");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty() || database.contains("/")) {
      throw invalid(name, "must name one database, as in postgresql://host:5432/dbname");
    }
    return new Parts(
        uri.getHost(),
        uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        database,
        TargetTls.of(name, parameters(name, uri.getRawQuery())));
  }

  /** The query's parameters: only libpq's TLS ones, each at most once. */
  private static Map<String, String> parameters(String name, String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!TargetTls.PARAMETERS.contains(key)) {
        throw invalid(
            name,
            "takes only the query parameters sslmode, sslrootcert, sslcert and sslkey, not '"
                + Quoting.forMessage(key)
                + "'");
      }
      if (value.isBlank()) {
        throw invalid(name, "has an empty " + key);
      }
      if (parameters.put(key, value) != null) {
        throw invalid(name, "gives " + key + " twice");
      }
    }
    return parameters;
  }

  private static IllegalArgumentException invalid(String name, String problem) {
    // The URL itself is not echoed: a mistyped one may hold a password.
    return new IllegalArgumentException("lifeboat.databases." + name + ".url " + problem);
  }
}
