package dev.lifeboat.common.databases;

import java.net.URI;
import java.net.URISyntaxException;

/** Parses {@code postgresql://host[:port]/dbname}, the contract's form of a target URL. */
final class TargetDatabaseUrl {
  static final int DEFAULT_PORT = 5432;

  record Parts(String host, int port, String database) {}

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
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(name, "must not have query parameters or a fragment");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty() || database.contains("/")) {
      throw invalid(name, "must name one database, as in postgresql://host:5432/dbname");
    }
    return new Parts(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), database);
  }

  private static IllegalArgumentException invalid(String name, String problem) {
    // The URL itself is not echoed: a mistyped one may hold a password.
    return new IllegalArgumentException("lifeboat.databases." + name + ".url " + problem);
  }
}
