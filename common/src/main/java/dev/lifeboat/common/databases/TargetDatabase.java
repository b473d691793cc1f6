package dev.lifeboat.common.databases;

import java.time.Duration;
import java.util.Optional;

/**
 * One configured target database, its URL taken apart for the clients that need the parts
 * (pg_dump's environment, the reactive client's options).
 */
public record TargetDatabase(
    String name,
    String host,
    int port,
    String database,
    String username,
    Optional<String> password,
    Optional<String> schedule,
    int keepLast,
    Optional<Duration> maxAge,
    TargetTls tls) {

  /** A target reached as each client does by default, without TLS parameters. */
  public TargetDatabase(
      String name,
      String host,
      int port,
      String database,
      String username,
      Optional<String> password,
      Optional<String> schedule,
      int keepLast,
      Optional<Duration> maxAge) {
    this(
        name,
        host,
        port,
        database,
        username,
        password,
        schedule,
        keepLast,
        maxAge,
        TargetTls.DEFAULT);
  }

  /** The URL as configured, without credentials. */
  public String url() {
    return "postgresql://" + host + ":" + port + "/" + database + tls.query();
  }

  /** Never prints the password: a target database ends up in logs and exception messages. */
  @Override
  public String toString() {
    return "TargetDatabase[" + name + " " + username + "@" + url() + "]";
  }
}
