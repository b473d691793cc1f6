package dev.lifeboat.common.databases;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lifeboat.databases.<name>.*}: the databases Lifeboat protects. Requests name a database;
 * they never carry connection strings.
 */
@ConfigMapping(prefix = "lifeboat.databases")
public interface TargetDatabasesConfig {

  @WithParentName
  Map<String, Target> all();

  interface Target {
    /** {@code postgresql://host[:port]/dbname}, without credentials. */
    String url();

    String username();

    /** From the environment or a Kubernetes secret, never from a committed file. */
    Optional<String> password();

    /**
     * A file holding the password (a mounted Kubernetes secret, a file only the service's user can
     * read), instead of {@link #password()}; read when the service starts.
     */
    Optional<Path> passwordFile();

    /**
     * When to back up: five crontab fields ({@code 0 2 * * *}), a shorthand ({@code @daily}), or
     * six/seven Quartz fields ({@code 0 0 2 * * ?}).
     */
    Optional<String> schedule();

    Retention retention();
  }

  interface Retention {
    @WithDefault("7")
    int keepLast();

    /** Backups older than this are deleted (keep-last, pinned and verified rules still apply). */
    Optional<Duration> maxAge();
  }
}
