package dev.lifeboat.bench.report;

import dev.lifeboat.bench.lifeboat.Startup;
import dev.lifeboat.bench.measure.Medians;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * The restore benchmark's figures as Markdown. Times are in milliseconds, one per run.
 *
 * @param databaseBytes {@code pg_database_size} of the restored database
 * @param storedBytes the backup's object in the bucket (zstd)
 * @param dumpBytes the dump as a local file for {@code pg_restore} (custom format, uncompressed)
 * @param plain {@code pg_restore --single-transaction}
 * @param plainParallel {@code pg_restore --jobs=2}
 * @param lifeboat SWAP restores, confirm to {@code COMPLETED}
 * @param downtime per SWAP, the connected session's longest time without an answer
 * @param failedConnects per SWAP, the session's refused reconnects
 * @param sessionsEnded per SWAP, how often the session was ended
 * @param probePauseMillis the pause between the session's queries
 * @param loadAtStart {@link Machine#loadAverage()} when the run started
 * @param startups each service's start, in order: backup-service, restore-service
 * @param peakBytes restore-service's VmHWM during each SWAP
 */
public record RestoreReport(
    LocalDate date,
    int scale,
    int repetitions,
    long databaseBytes,
    long storedBytes,
    long dumpBytes,
    List<Long> plain,
    List<Long> plainParallel,
    List<Long> lifeboat,
    List<Long> downtime,
    List<Long> failedConnects,
    List<Long> sessionsEnded,
    long probePauseMillis,
    String loadAtStart,
    List<Startup> startups,
    List<Long> peakBytes) {

  /** The report's file name in the results directory: {@code <date>-restore-scale-<scale>.md}. */
  public String fileName() {
    return date + "-restore-scale-" + scale + ".md";
  }

  public String markdown() {
    return restores() + memory() + services();
  }

  private String restores() {
    long medianLifeboat = Medians.of(lifeboat.stream().mapToLong(Long::longValue).toArray());
    long medianPlain = Medians.of(plain.stream().mapToLong(Long::longValue).toArray());
    long worstDowntime = downtime.stream().mapToLong(Long::longValue).max().orElse(0);
    // The swap ends every session of the target: a run in which the probe's was not ended did not
    // see the swap, and its downtime says nothing.
    boolean seen = sessionsEnded.stream().allMatch(n -> n > 0);
    return String.format(
        Locale.ROOT,
        """
        # Restore benchmark, %s

        pgbench scale %d: database %d MB, dump %d MB (custom format, uncompressed), %d kB stored
        (zstd). %d runs of each method, interleaved. %s

        PostgreSQL ran with %s. Load average (1, 5, 15 min) when the run started: %s.

        | method | what is timed | runs (ms) | median |
        |---|---|---|---|
        | pg_restore | `pg_restore --single-transaction` of the dump from a local file into an empty database | %s | %.1f s |
        | pg_restore -j 2 | the same with two jobs (possible from a file, not from a stream) | %s | %.1f s |
        | Lifeboat SWAP | confirm → `COMPLETED`: checksum of the stored object, streamed restore into a scratch database, row verification, swap | %s | %.1f s |

        Lifeboat / pg_restore: %.2f×.

        SWAP downtime, as an application connected to the target sees it (one session running
        `SELECT 1` every %d ms through the restore; when the swap ends it, it reconnects until it
        gets in): from its last answer before to its first answer after, %s ms per run (sessions
        ended: %s; refused reconnects: %s); worst %d ms. Goal: under 1 s — %s. New connections are
        refused from one statement earlier (the swap blocks them, then ends the sessions).
        """,
        date,
        scale,
        databaseBytes / 1_000_000,
        dumpBytes / 1_000_000,
        storedBytes / 1_000,
        repetitions,
        scale < 100 || repetitions < 3
            ? "**Smoke-scale run on a shared 2-core machine: the figures show the shape, not a"
                + " verdict.**"
            : "",
        Machine.POSTGRES_DURABILITY,
        loadAtStart,
        plain,
        medianPlain / 1000.0,
        plainParallel,
        Medians.of(plainParallel.stream().mapToLong(Long::longValue).toArray()) / 1000.0,
        lifeboat,
        medianLifeboat / 1000.0,
        medianLifeboat / (double) Math.max(1, medianPlain),
        probePauseMillis,
        downtime,
        sessionsEnded,
        failedConnects,
        worstDowntime,
        !seen
            ? "NOT measured (a run's session was not ended)"
            : worstDowntime < 1000 ? "met" : "NOT met");
  }

  private String memory() {
    Startup restores = startup("restore-service");
    return String.format(
        Locale.ROOT,
        """

        restore-service resident memory (JVM options: %s): %d MiB idle after start; peak during
        each SWAP %s MiB.
        """,
        "`" + String.join(" ", restores.launch().jvmOptions()) + "`",
        restores.idleResidentBytes() >> 20,
        peakBytes.stream().map(b -> b >> 20).toList());
  }

  private String services() {
    StringBuilder md = new StringBuilder("\nServices:\n\n");
    for (Startup startup : startups) {
      md.append("- ")
          .append(startup.service())
          .append(": ")
          .append(startup.launch().describe())
          .append('\n');
    }
    return md.append('\n').append(Startups.table(startups)).toString();
  }

  private Startup startup(String service) {
    return startups.stream()
        .filter(s -> s.service().equals(service))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(service + " was not started"));
  }
}
