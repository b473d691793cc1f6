package dev.lifeboat.archive;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Optional;

/** {@code lifeboat.postgres.*}: where the PostgreSQL client programs are. */
@ConfigMapping(prefix = "lifeboat.postgres")
public interface PostgresClientConfig {
  /**
   * Directory of pg_dump and pg_restore; default: the newest under /usr/lib/postgresql, or PATH.
   */
  Optional<Path> binDir();
}
