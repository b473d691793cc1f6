package dev.lifeboat.common.databases;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configured target databases, checked when the service starts: a bad name or URL stops the
 * service with a message naming the property, rather than failing the first request.
 */
@Startup
@ApplicationScoped
public class TargetDatabases {
  private final SortedMap<String, TargetDatabase> byName;

  @Inject
  public TargetDatabases(TargetDatabasesConfig config) {
    this(config.all());
  }

  TargetDatabases(Map<String, TargetDatabasesConfig.Target> configured) {
    SortedMap<String, TargetDatabase> targets = new TreeMap<>();
    configured.forEach((name, target) -> targets.put(name, toTarget(name, target)));
    this.byName = Collections.unmodifiableSortedMap(targets);
  }

  /** The database of that name, or {@link UnknownDatabaseException}. */
  public TargetDatabase get(String name) {
    return find(name).orElseThrow(() -> new UnknownDatabaseException(name));
  }

  public Optional<TargetDatabase> find(String name) {
    return Optional.ofNullable(name == null ? null : byName.get(name));
  }

  public boolean contains(String name) {
    return name != null && byName.containsKey(name);
  }

  /** All configured databases, by name. */
  public SortedMap<String, TargetDatabase> all() {
    return byName;
  }

  /**
   * The password as given, or read from its file. One trailing line break goes: {@code echo secret
   * > file} and a Kubernetes secret written from such a file would otherwise fail to log in.
   */
  private static Optional<String> password(String name, TargetDatabasesConfig.Target target) {
    if (target.passwordFile().isEmpty()) {
      return target.password();
    }
    if (target.password().isPresent()) {
      throw new IllegalArgumentException(
          "lifeboat.databases." + name + ": set either password or password-file, not both");
    }
    Path file = target.passwordFile().get();
    try {
      String content = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(content.replaceFirst("\\r?\\n$", ""));
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          "lifeboat.databases."
              + name
              + ".password-file "
              + file
              + " cannot be read: "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  private static TargetDatabase toTarget(String name, TargetDatabasesConfig.Target target) {
    if (!DatabaseNames.isValid(name)) {
      throw new IllegalArgumentException(
          "lifeboat.databases."
              + name
              + ": "
              + Quoting.forMessage(name)
              + " is not a valid database name; names match "
              + DatabaseNames.REGEX);
    }
    if (target.retention().keepLast() < 1) {
      throw new IllegalArgumentException(
          "lifeboat.databases." + name + ".retention.keep-last must be at least 1");
    }
    if (target.retention().maxAge().filter(age -> age.isNegative() || age.isZero()).isPresent()) {
      throw new IllegalArgumentException(
          "lifeboat.databases." + name + ".retention.max-age must be positive");
    }
    var parts = TargetDatabaseUrl.parse(name, target.url());
    return new TargetDatabase(
        name,
        parts.host(),
        parts.port(),
        parts.database(),
        target.username(),
        password(name, target),
        target.schedule().filter(s -> !s.isBlank()),
        target.retention().keepLast(),
        target.retention().maxAge(),
        parts.tls());
  }
}
