package dev.lifeboat.bench;

import dev.lifeboat.bench.baselines.DumpScript;
import dev.lifeboat.bench.baselines.S3Script;
import dev.lifeboat.bench.datasets.Dataset;
import dev.lifeboat.bench.datasets.PgbenchDataset;
import dev.lifeboat.bench.datasets.SchemaHeavyDataset;
import dev.lifeboat.bench.datasets.WarmupDataset;
import dev.lifeboat.bench.lifeboat.BackupRequests;
import dev.lifeboat.bench.lifeboat.BackupServiceProcess;
import dev.lifeboat.bench.lifeboat.ProcessMemory;
import dev.lifeboat.bench.lifeboat.ServiceLaunch;
import dev.lifeboat.bench.lifeboat.Startup;
import dev.lifeboat.bench.measure.Medians;
import dev.lifeboat.bench.measure.Sample;
import dev.lifeboat.bench.measure.Series;
import dev.lifeboat.bench.report.DatasetResult;
import dev.lifeboat.bench.report.Machine;
import dev.lifeboat.bench.report.ResultsFile;
import dev.lifeboat.bench.report.ResultsReport;
import dev.lifeboat.bench.report.ServiceBuild;
import dev.lifeboat.bench.report.ServiceMemory;
import dev.lifeboat.bench.tools.EarlierRuns;
import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Measures backup-service end to end against {@code pg_dump}, the runbooks' {@code pg_dump | gzip}
 * and the same work done with the standard tools into the same S3 server, on a pgbench database and
 * a schema-heavy one, and writes the figures to {@code bench/results/}. See {@code
 * bench/README.md}.
 */
public final class BackupBenchmark {
  private static final String CONTROL_DATABASE = "lifeboat";
  private static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(30);

  private final BenchSettings settings;
  private final String loadAtStart;
  private final PostgresEndpoint pg;
  private final KafkaEndpoint kafka;
  private final S3Endpoint s3;
  private final PostgresTools tools;

  private BackupBenchmark(
      BenchSettings settings,
      String loadAtStart,
      PostgresEndpoint pg,
      KafkaEndpoint kafka,
      S3Endpoint s3) {
    this.settings = settings;
    this.loadAtStart = loadAtStart;
    this.pg = pg;
    this.kafka = kafka;
    this.s3 = s3;
    this.tools = new PostgresTools(pg);
  }

  public static void main(String[] args) {
    // Before the servers and the datasets add load of their own.
    String loadAtStart = Machine.loadAverage();
    // Containers would put Docker's network and storage into every figure.
    System.setProperty("lifeboat.it.infra", System.getProperty("lifeboat.it.infra", "local"));
    // S3Proxy stands in for the object store: with the tests' C1-only JIT it spent 4 CPU-seconds
    // of the two cores hashing a 285 MB backup, which the production store does not take from them.
    System.setProperty("lifeboat.it.fullJit", System.getProperty("lifeboat.it.fullJit", "true"));
    // Figures must describe PostgreSQL as users run it: its default durability, fsync on.
    TestServers.useDurablePostgres();
    int status = 0;
    try {
      BenchSettings settings = BenchSettings.fromSystemProperties();
      long started = System.currentTimeMillis();
      var benchmark =
          new BackupBenchmark(
              settings, loadAtStart, TestServers.postgres(), TestServers.kafka(), TestServers.s3());
      EarlierRuns.remove(TestServers.baseDir(), started);
      benchmark.run();
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      status = 1;
    }
    // Runs TestServers' shutdown hook, which stops PostgreSQL, Kafka and S3Proxy.
    System.exit(status);
  }

  private void run() {
    // Read first: a checkout without the image's Dockerfile fails before the datasets are made.
    ServiceLaunch launch =
        ServiceLaunch.asImage(
            settings.repository(), "backup-service", settings.serviceJvmOptions());
    String bucket = S3Resource.DEFAULT_BUCKET;
    s3.createBucket(bucket);
    pg.createDatabase(CONTROL_DATABASE);

    Dataset warmup = new WarmupDataset();
    Dataset pgbench = new PgbenchDataset(settings.scale());
    Dataset schemas = new SchemaHeavyDataset(settings.schemaFactor());
    for (Dataset dataset : List.of(warmup, pgbench, schemas)) {
      log("creating %s: %s", dataset.name(), dataset.description());
      long started = System.nanoTime();
      dataset.create(pg, tools);
      log(
          "created %s in %d s: %d MB",
          dataset.name(),
          Duration.ofNanos(System.nanoTime() - started).toSeconds(),
          databaseBytes(dataset) / 1_000_000);
    }
    Machine machine = Machine.describe(pg, tools);
    ServiceBuild build = ServiceBuild.of(settings.serviceJar(), settings.repository());

    try (var service =
            BackupServiceProcess.start(
                settings.serviceJar(),
                launch,
                settings.jwtPublicKey(),
                settings.workDir(),
                pg,
                kafka,
                s3,
                bucket,
                List.of(warmup.name(), pgbench.name(), schemas.name()));
        var requests = new BackupRequests(kafka, s3, bucket)) {
      ProcessMemory memory = service.memory();
      Startup startup = service.startup();
      long idle = startup.idleResidentBytes();
      long startupPeak = memory.peakResidentBytes();
      log(
          "backup-service ready in %d ms: RSS %d MiB, peak so far %d MiB",
          startup.timeToReady().toMillis(), mib(idle), mib(startupPeak));
      requests.backup(warmup.name(), BACKUP_TIMEOUT);
      log("warm-up backup done");
      boolean peaksPerBackup = memory.resetPeak();

      Optional<S3Script> toS3 = S3Script.ifAvailable(s3, bucket);
      if (toS3.isEmpty()) {
        log("%s: %s", S3Script.METHOD, S3Script.SKIPPED);
      }
      DatasetResult pgbenchResult = measure(pgbench, toS3, requests, memory);
      DatasetResult schemasResult = measure(schemas, toS3, requests, memory);

      var report =
          new ResultsReport(
              settings,
              machine,
              loadAtStart,
              build,
              startup,
              new ServiceMemory(idle, startupPeak, peaksPerBackup),
              pgbenchResult,
              schemasResult,
              LocalDate.now());
      Path written = ResultsFile.write(settings.resultsDir(), report.fileName(), report.markdown());
      log("written to %s", written);
    }
  }

  private DatasetResult measure(
      Dataset dataset, Optional<S3Script> toS3, BackupRequests requests, ProcessMemory memory) {
    String database = dataset.name();
    long size = databaseBytes(dataset);
    // Untimed: whichever method ran first would otherwise read a colder cache than the others.
    DumpScript.LIMIT.run(tools, database, settings.workDir());

    Map<DumpScript, Series> scripts = new EnumMap<>(DumpScript.class);
    for (DumpScript script : DumpScript.values()) {
      scripts.put(script, script.newSeries(database));
    }
    Optional<Series> standardToS3 = toS3.map(script -> script.newSeries(database));
    Series lifeboat =
        new Series(
            "Lifeboat", "backup.requested on Kafka → backup.completed (manifest stored)", true);
    List<BackupRequests.Completed> backups = new ArrayList<>();
    long peak = 0;
    for (int run = 1; run <= settings.repetitions(); run++) {
      for (Map.Entry<DumpScript, Series> script : scripts.entrySet()) {
        Sample sample = script.getKey().run(tools, database, settings.workDir());
        script.getValue().add(sample);
        log("%s run %d: %s %s", database, run, script.getValue().method(), describe(sample));
      }
      if (toS3.isPresent()) {
        Sample sample = toS3.get().run(tools, database);
        standardToS3.get().add(sample);
        log("%s run %d: %s %s", database, run, S3Script.METHOD, describe(sample));
      }
      memory.resetPeak();
      BackupRequests.Completed backup = requests.backup(database, BACKUP_TIMEOUT);
      peak = Math.max(peak, memory.peakResidentBytes());
      Sample sample = new Sample(backup.elapsed(), backup.sizeBytes());
      lifeboat.add(sample);
      backups.add(backup);
      log(
          "%s run %d: Lifeboat %s, %s; peak RSS %d MiB",
          database, run, describe(sample), backup.backupId(), mib(peak));
    }
    return new DatasetResult(
        dataset,
        size,
        scripts.get(DumpScript.LIMIT),
        scripts.get(DumpScript.CUSTOM_FORMAT),
        scripts.get(DumpScript.GZIP_SCRIPT),
        standardToS3,
        lifeboat,
        Medians.of(backups.stream().mapToLong(BackupRequests.Completed::dumpBytes).toArray()),
        Duration.ofMillis(
            Medians.of(backups.stream().mapToLong(b -> b.serviceReported().toMillis()).toArray())),
        peak);
  }

  private long databaseBytes(Dataset dataset) {
    return pg.queryLong(dataset.name(), "SELECT pg_database_size(current_database())");
  }

  private static String describe(Sample sample) {
    return String.format(
        Locale.ROOT,
        "%.2f s, %d bytes stored",
        sample.elapsed().toNanos() / 1e9,
        sample.storedBytes());
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  private static void log(String format, Object... args) {
    System.out.println(
        "[bench "
            + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
            + "] "
            + format.formatted(args));
  }
}
