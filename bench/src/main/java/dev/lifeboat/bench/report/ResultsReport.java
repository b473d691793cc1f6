package dev.lifeboat.bench.report;

import dev.lifeboat.bench.BenchSettings;
import dev.lifeboat.bench.baselines.S3Script;
import dev.lifeboat.bench.lifeboat.Startup;
import dev.lifeboat.bench.measure.Sample;
import dev.lifeboat.bench.measure.Series;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

/** The benchmark's figures as Markdown, to be copied into {@code docs/performance.md}. */
public final class ResultsReport {
  private final BenchSettings settings;
  private final Machine machine;
  private final String loadAtStart;
  private final ServiceBuild build;
  private final Startup startup;
  private final ServiceMemory memory;
  private final DatasetResult pgbench;
  private final DatasetResult schemas;
  private final LocalDate date;

  public ResultsReport(
      BenchSettings settings,
      Machine machine,
      String loadAtStart,
      ServiceBuild build,
      Startup startup,
      ServiceMemory memory,
      DatasetResult pgbench,
      DatasetResult schemas,
      LocalDate date) {
    this.settings = settings;
    this.machine = machine;
    this.loadAtStart = loadAtStart;
    this.build = build;
    this.startup = startup;
    this.memory = memory;
    this.pgbench = pgbench;
    this.schemas = schemas;
    this.date = date;
  }

  /** The report's file name in the results directory: {@code <date>-<scale>.md}. */
  public String fileName() {
    return date + "-" + settings.scale() + ".md";
  }

  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Backup benchmark: ")
        .append(date)
        .append(", pgbench scale ")
        .append(settings.scale())
        .append("\n\n");
    if (settings.smokeRun()) {
      md.append("> **Smoke run**: scale ")
          .append(settings.scale())
          .append(", schema factor ")
          .append(settings.schemaFactor())
          .append(", ")
          .append(settings.repetitions())
          .append(" run(s) each, below the issue's (scale 100, factor 1, 3 runs).")
          .append(" These figures show that the benchmark works, not how fast Lifeboat is;")
          .append(" do not copy them into `docs/performance.md`.\n\n");
    }
    md.append("Lifeboat end to end (a `dev.lifeboat.backup.requested` command published to")
        .append(
            " `lifeboat.backup.requests` until the `dev.lifeboat.backup.completed` event, which")
        .append(" backup-service publishes after writing the manifest) against the plain tools.")
        .append(" Each method ran ")
        .append(settings.repetitions())
        .append(" time(s) per dataset, interleaved, after one untimed dump that warmed the cache;")
        .append(" times are wall-clock. Ratios use the medians.\n\n");
    machine(md);
    goals(md);
    dataset(md, "pgbench", pgbench);
    dataset(md, "Schema-heavy", schemas);
    md.append("## Start-up\n\n").append(Startups.table(List.of(startup))).append('\n');
    memory(md);
    raw(md);
    return md.toString();
  }

  private void machine(StringBuilder md) {
    md.append("## Machine\n\n")
        .append("- CPUs (`nproc`): ")
        .append(machine.cpus())
        .append("; memory (MemTotal): ")
        .append(machine.memory())
        .append("; CPU: ")
        .append(machine.cpuModel())
        .append('\n')
        .append("- ")
        .append(machine.kernel())
        .append("; ")
        .append(machine.java())
        .append('\n')
        .append("- ")
        .append(machine.postgres())
        .append(" (a local `initdb` cluster from test-support with default `shared_buffers` and ")
        .append(Machine.POSTGRES_DURABILITY)
        .append("); client `")
        .append(machine.pgDump())
        .append("`; `")
        .append(machine.gzip())
        .append("`\n")
        .append("- backup-service: ")
        .append(startup.launch().describe())
        .append(", default `lifeboat.backup.*` and `lifeboat.storage.*` settings; ")
        .append(build.describe())
        .append('\n')
        .append("- PostgreSQL, the Kafka broker (KRaft) and S3Proxy (filesystem store) run as")
        .append(" local processes on the same machine, as do the dumps and the service\n")
        .append("- Load average (1, 5, 15 min) when the run started: ")
        .append(loadAtStart)
        .append("\n\n");
  }

  private void goals(StringBuilder md) {
    md.append("## Goals\n\n")
        .append("| goal | pgbench | schema-heavy | verdict |\n")
        .append("|---|---:|---:|---|\n");
    for (Goals.Goal goal : Goals.evaluate(pgbench, schemas)) {
      md.append("| ")
          .append(goal.goal().replace("|", "\\|"))
          .append(" | ")
          .append(goal.pgbench())
          .append(" | ")
          .append(goal.schemas())
          .append(" | ")
          .append(goal.verdict())
          .append(" |\n");
    }
    md.append('\n');
  }

  private void dataset(StringBuilder md, String title, DatasetResult result) {
    md.append("## ")
        .append(title)
        .append(": ")
        .append(result.dataset().description())
        .append(", database ")
        .append(Units.bytes(result.databaseBytes()))
        .append("\n\n")
        .append("| method | command | best | median | stored size | median ÷ limit |\n")
        .append("|---|---|---:|---:|---:|---:|\n");
    for (Series series : result.all()) {
      md.append("| ")
          .append(series.method())
          .append(" | `")
          .append(series.command().replace("|", "\\|"))
          .append("` | ")
          .append(Units.seconds(series.best()))
          .append(" | ")
          .append(Units.seconds(series.median()))
          .append(" | ")
          .append(series.stores() ? Units.bytes(series.medianStoredBytes()) : "—")
          .append(" | ")
          .append(Units.ratio(Units.ratio(series.median(), result.limit().median())))
          .append(" |\n");
    }
    if (result.standardToS3().isEmpty()) {
      md.append("\n").append(S3Script.METHOD).append(": ").append(S3Script.SKIPPED).append(".\n");
    }
    md.append("\nLifeboat: pg_dump wrote ")
        .append(Units.bytes(result.lifeboatDumpBytes()))
        .append(" (custom format, uncompressed), stored as ")
        .append(Units.bytes(result.lifeboat().medianStoredBytes()))
        .append(" of zstd; backup-service reports ")
        .append(Units.seconds(result.serviceReported()))
        .append(" for the backup itself (median, `durationMillis`: from starting work to the")
        .append(" manifest, without the trips through Kafka); peak RSS ")
        .append(Units.mebibytes(result.peakRssBytes()))
        .append(".\n\n");
  }

  private void memory(StringBuilder md) {
    md.append("## backup-service memory\n\n")
        .append("| when | RSS |\n|---|---:|\n")
        .append("| idle, once ready (VmRSS) | ")
        .append(Units.mebibytes(memory.idleBytes()))
        .append(" |\n| peak during start-up (VmHWM) | ")
        .append(Units.mebibytes(memory.startupPeakBytes()))
        .append(" |\n| peak during the pgbench backups (")
        .append(Units.bytes(pgbench.lifeboatDumpBytes()))
        .append(" dumped) | ")
        .append(Units.mebibytes(pgbench.peakRssBytes()))
        .append(" |\n| peak during the schema-heavy backups (")
        .append(Units.bytes(schemas.lifeboatDumpBytes()))
        .append(" dumped) | ")
        .append(Units.mebibytes(schemas.peakRssBytes()))
        .append(" |\n\n");
    if (memory.peaksPerBackup()) {
      md.append("VmHWM was reset (`/proc/<pid>/clear_refs`) before each backup: each peak is of")
          .append(" that dataset's backups alone. pg_dump runs as a child process; its memory")
          .append(" is not counted.\n\n");
    } else {
      md.append("The kernel refused to reset VmHWM: each peak includes everything the service")
          .append(" did before it, start-up and earlier backups. pg_dump runs as a child process;")
          .append(" its memory is not counted.\n\n");
    }
  }

  private void raw(StringBuilder md) {
    md.append("## Every run\n\n")
        .append("| dataset | method | times | stored sizes (bytes) |\n|---|---|---|---|\n");
    for (DatasetResult result : new DatasetResult[] {pgbench, schemas}) {
      for (Series series : result.all()) {
        md.append("| ")
            .append(result.dataset().name())
            .append(" | ")
            .append(series.method())
            .append(" | ")
            .append(
                series.samples().stream()
                    .map(s -> Units.seconds(s.elapsed()))
                    .collect(Collectors.joining(", ")))
            .append(" | ")
            .append(
                series.stores()
                    ? series.samples().stream()
                        .map(Sample::storedBytes)
                        .map(String::valueOf)
                        .collect(Collectors.joining(", "))
                    : "—")
            .append(" |\n");
      }
    }
  }
}
