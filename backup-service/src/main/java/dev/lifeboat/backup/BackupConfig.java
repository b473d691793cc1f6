package dev.lifeboat.backup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code lifeboat.backup.*}: how backups are taken. */
@ConfigMapping(prefix = "lifeboat.backup")
public interface BackupConfig {
  /** Dumps running at once across all databases; one per database whatever this says. */
  @WithDefault("2")
  int maxConcurrent();

  /**
   * zstd level. 2 by default: on data that hardly compresses it costs half of level 3's CPU, which
   * on a small machine is what a backup waits for, and stores 0.3 % more; both store less than gzip
   * -6 (docs/performance.md).
   */
  @WithDefault("2")
  int compressionLevel();

  /**
   * zstd worker threads per dump; 0 compresses on the dumping thread. 0 by default: on a small
   * machine pg_dump and PostgreSQL need the cores, and workers cost 40 to 120 MiB of buffers
   * (docs/performance.md). Worth raising for poorly compressible data on a machine with cores to
   * spare.
   */
  @WithDefault("0")
  int compressionWorkers();

  /** A progress event at least this often... */
  @WithDefault("5s")
  Duration progressInterval();

  /** ...or after this many bytes of dump, whichever comes first. */
  @WithDefault("67108864")
  long progressBytes();

  Encryption encryption();

  /** Client-side encryption of stored archives. */
  interface Encryption {
    /**
     * age public keys ({@code age1...}) to encrypt every new backup to; unset, backups are stored
     * unencrypted. The matching private identities are needed to restore and verify.
     */
    Optional<List<String>> recipients();
  }

  /** When retention runs for every database (it also runs after each backup). */
  @WithDefault("0 15 3 * * ?")
  String retentionCron();

  /**
   * How long a backup waits for a running restore of its database to finish (restores hold the
   * database's lock exclusively, backups share it). Zero waits as long as it takes.
   */
  @WithDefault("6h")
  Duration lockWait();
}
