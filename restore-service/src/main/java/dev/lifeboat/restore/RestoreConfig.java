package dev.lifeboat.restore;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code lifeboat.restore.*}. */
@ConfigMapping(prefix = "lifeboat.restore")
public interface RestoreConfig {
  /** How long a plan's confirmation code stays valid. */
  @WithDefault("10m")
  Duration confirmationTtl();

  /** Wrong codes a plan tolerates before it is cancelled: a guessed code must not run a restore. */
  @WithDefault("5")
  int maxCodeAttempts();

  /** Restores running at once (one per database whatever this says). */
  @WithDefault("2")
  int maxConcurrent();

  Encryption encryption();

  /** The keys that decrypt age-encrypted backups. */
  interface Encryption {
    /** age identities ({@code AGE-SECRET-KEY-1...}), from a secret. */
    Optional<List<String>> identities();
  }

  /**
   * The restore rate the estimate assumes, in bytes of dump per second, until drills measure it.
   */
  @WithDefault("52428800")
  long estimateBytesPerSecond();
}
