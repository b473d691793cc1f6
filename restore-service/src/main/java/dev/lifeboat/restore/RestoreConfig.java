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

  /** How long a restore waits for its safety backup to complete before it fails, untouched. */
  @WithDefault("30m")
  Duration safetyBackupTimeout();

  /**
   * How long a restore waits for running backups of its database to finish (they hold the
   * database's lock shared; the restore takes it exclusively). Zero waits as long as it takes.
   */
  @WithDefault("1h")
  Duration lockWait();

  /** The least time between two progress reports (API and {@code restore.progress} events). */
  @WithDefault("2s")
  Duration progressInterval();

  /** How often a running restore looks whether a cancel was asked for. */
  @WithDefault("500ms")
  Duration cancelPollInterval();

  Undo undo();

  /** The {@code <db>_pre_<restoreId>} databases a SWAP keeps as the instant undo. */
  interface Undo {
    /** An undo older than this is dropped. */
    @WithDefault("7d")
    Duration keepFor();

    /** At most this many undos per database are kept, the newest. */
    @WithDefault("3")
    int keepLast();
  }
}
