package dev.lifeboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.bench.lifeboat.ProcessMemory;
import dev.lifeboat.bench.lifeboat.ServiceLaunch;
import dev.lifeboat.bench.lifeboat.Startup;
import dev.lifeboat.bench.report.Machine;
import dev.lifeboat.bench.report.RestoreReport;
import dev.lifeboat.bench.report.ResultsFile;
import dev.lifeboat.bench.tools.EarlierRuns;
import dev.lifeboat.bench.tools.PostgresTools;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.S3Endpoint;
import dev.lifeboat.testsupport.S3Resource;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import io.minio.GetObjectArgs;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures restore-service against plain {@code pg_restore}: the time to restore a pgbench database
 * through a confirmed SWAP restore (from the bucket, with checksum and row verification), the time
 * of {@code pg_restore} from a local file of the same dump, and the downtime of the swap as a
 * connected application sees it: from its last answer before the swap ended its session to its
 * first answer on a new one. See {@code bench/README.md}.
 */
public final class RestoreBenchmark {
  private static final String DATABASE = "restorebench";
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final PostgresEndpoint pg;
  private final KafkaEndpoint kafka;
  private final S3Endpoint s3;
  private final PostgresTools tools;
  private final Path repository;
  private final Path workDir;
  private final Path resultsDir;
  private final int scale;
  private final int repetitions;
  private final String loadAtStart;
  private final List<String> restoreJvmOptions;
  private final List<Startup> startups = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private RestoreBenchmark(
      String loadAtStart, PostgresEndpoint pg, KafkaEndpoint kafka, S3Endpoint s3) {
    this.loadAtStart = loadAtStart;
    this.pg = pg;
    this.kafka = kafka;
    this.s3 = s3;
    this.tools = new PostgresTools(pg);
    Path base = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    // The checkout whose services run; by default the parent of bench/, the working directory.
    this.repository = Path.of(System.getProperty("bench.repository", base.getParent().toString()));
    this.workDir = base.resolve("target/bench-restore");
    this.resultsDir = base.resolve("results");
    this.scale = Integer.parseInt(System.getProperty("bench.restoreScale", "100"));
    this.repetitions = Integer.parseInt(System.getProperty("bench.repetitions", "3"));
    // Added to restore-service's, after its image's options.
    this.restoreJvmOptions = ServiceLaunch.parse(System.getProperty("bench.serviceJvmOptions"));
  }

  public static void main(String[] args) {
    // Before the servers and the database add load of their own.
    String loadAtStart = Machine.loadAverage();
    System.setProperty("lifeboat.it.infra", System.getProperty("lifeboat.it.infra", "local"));
    // The servers standing in for the broker and the object store run with the full JIT, as in
    // BackupBenchmark: the tests' C1-only code would take CPU from the measured service.
    System.setProperty("lifeboat.it.fullJit", System.getProperty("lifeboat.it.fullJit", "true"));
    // Figures must describe PostgreSQL as users run it: its default durability, fsync on.
    TestServers.useDurablePostgres();
    int status = 0;
    try {
      long started = System.currentTimeMillis();
      var benchmark =
          new RestoreBenchmark(
              loadAtStart, TestServers.postgres(), TestServers.kafka(), TestServers.s3());
      EarlierRuns.remove(TestServers.baseDir(), started);
      benchmark.run();
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private void run() throws Exception {
    Files.createDirectories(workDir);
    s3.createBucket(S3Resource.DEFAULT_BUCKET);
    pg.createDatabase("lifeboat");
    pg.createDatabase(DATABASE);
    log("creating %s: pgbench -i -s %d", DATABASE, scale);
    tools.program("pgbench", "-i", "-q", "-s", Integer.toString(scale), DATABASE);
    long databaseBytes = pg.queryLong(DATABASE, "SELECT pg_database_size(current_database())");

    String backupId;
    long storedBytes;
    try (ServiceProcess backups = service("backup-service", List.of())) {
      backupId = backup(backups);
      JsonNode manifest = getJson(backups.url() + "/api/v1/backups/" + backupId, "lifeboat-viewer");
      storedBytes = manifest.path("sizeBytes").asLong();
      log("backup %s: %d bytes stored", backupId, storedBytes);
    }

    // The same dump as a local file, for plain pg_restore: what a runbook would have at hand.
    Path stored = workDir.resolve("dump.zst");
    Path local = workDir.resolve("dump.custom");
    try (InputStream in =
        s3.client()
            .getObject(
                GetObjectArgs.builder()
                    .bucket(S3Resource.DEFAULT_BUCKET)
                    .object(DATABASE + "/" + backupId + "/dump")
                    .build())) {
      Files.copy(in, stored, StandardCopyOption.REPLACE_EXISTING);
    }
    tools.shell("zstd -q -d -f -o '" + local + "' '" + stored + "'");

    List<Long> plain = new ArrayList<>();
    List<Long> plainParallel = new ArrayList<>();
    List<Long> lifeboat = new ArrayList<>();
    List<Long> downtime = new ArrayList<>();
    List<Long> failedConnects = new ArrayList<>();
    List<Long> sessionsEnded = new ArrayList<>();
    List<Long> peaks = new ArrayList<>();
    try (ServiceProcess restores = service("restore-service", restoreJvmOptions)) {
      ProcessMemory memory = new ProcessMemory(restores.pid());
      for (int run = 1; run <= repetitions; run++) {
        plain.add(plainRestore(local, "--exit-on-error", "--single-transaction"));
        log("run %d: pg_restore %d ms", run, plain.get(plain.size() - 1));
        plainParallel.add(plainRestore(local, "--exit-on-error", "--jobs=2"));
        log("run %d: pg_restore -j 2 %d ms", run, plainParallel.get(plainParallel.size() - 1));
        memory.resetPeak();
        var swap = swapRestore(restores, backupId);
        peaks.add(memory.peakResidentBytes());
        lifeboat.add(swap.millis());
        downtime.add(swap.downtimeMillis());
        failedConnects.add(swap.failedConnects());
        sessionsEnded.add(swap.sessionsEnded());
        log(
            "run %d: Lifeboat SWAP %d ms, target unavailable for %d ms (%d refused connects, %d"
                + " session(s) ended)",
            run, swap.millis(), swap.downtimeMillis(), swap.failedConnects(), swap.sessionsEnded());
      }
    }
    var report =
        new RestoreReport(
            LocalDate.now(),
            scale,
            repetitions,
            databaseBytes,
            storedBytes,
            Files.size(local),
            plain,
            plainParallel,
            lifeboat,
            downtime,
            failedConnects,
            sessionsEnded,
            SessionProbe.PAUSE_MILLIS,
            loadAtStart,
            startups,
            peaks);
    Path written = ResultsFile.write(resultsDir, report.fileName(), report.markdown());
    log("written to %s", written);
  }

  /** Starts a service as its image runs it, with {@code addedJvmOptions} after the image's. */
  private ServiceProcess service(String name, List<String> addedJvmOptions) {
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", Integer.toString(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    env.put("LIFEBOAT_S3_ENDPOINT", s3.url());
    env.put("LIFEBOAT_S3_ACCESS_KEY", s3.accessKey());
    env.put("LIFEBOAT_S3_SECRET_KEY", s3.secretKey());
    env.put("LIFEBOAT_S3_BUCKET", S3Resource.DEFAULT_BUCKET);
    Map<String, String> properties = new HashMap<>();
    properties.put("lifeboat.databases." + DATABASE + ".url", pg.url(DATABASE));
    properties.put("lifeboat.databases." + DATABASE + ".username", pg.username());
    properties.put("lifeboat.databases." + DATABASE + ".password", pg.password());
    properties.put("lifeboat.postgres.bin-dir", pg.clientBinDir().toString());
    properties.put(
        "mp.jwt.verify.publickey.location",
        repository
            .resolve("test-support/src/main/resources/dev/lifeboat/testsupport/jwt/publicKey.pem")
            .toString());
    properties.put("lifeboat.restore.undo.keep-last", "10");
    Path jar = copyOf(name).resolve("quarkus-run.jar");
    Path log = workDir.resolve(name + ".log");
    return ServiceLaunch.asImage(repository, name, addedJvmOptions)
        .start(jar, env, properties, log, startups);
  }

  /**
   * A copy of the service's application to run: a rebuild during the run would otherwise pull its
   * jars from under it.
   */
  private Path copyOf(String name) {
    Path from = repository.resolve(name + "/target/quarkus-app");
    Path to = workDir.resolve(name + "-app");
    if (!Files.isRegularFile(from.resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(from + " is missing: build " + name + " first");
    }
    try {
      if (Files.exists(to)) {
        try (var old = Files.walk(to)) {
          for (Path path : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      try (var files = Files.walk(from)) {
        for (Path source : files.toList()) {
          Files.copy(source, to.resolve(from.relativize(source).toString()));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("could not copy " + from, e);
    }
    return to;
  }

  private String backup(ServiceProcess backups) throws Exception {
    JsonNode accepted =
        send(
            HttpRequest.newBuilder(URI.create(backups.url() + "/api/v1/backups"))
                .header("Authorization", "Bearer " + Tokens.forRoles("bench", "lifeboat-pipeline"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"database\":\"" + DATABASE + "\",\"reason\":\"restore benchmark\"}")),
            202);
    String backupId = accepted.path("backupId").asText();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String status =
          getJson(backups.url() + "/api/v1/backups/" + backupId, "lifeboat-viewer")
              .path("status")
              .asText();
      if ("COMPLETED".equals(status)) {
        return backupId;
      }
      if ("FAILED".equals(status)) {
        throw new IllegalStateException("backup " + backupId + " failed");
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("backup " + backupId + " did not complete in time");
  }

  private long plainRestore(Path dump, String... options) {
    String database = DATABASE + "_plain";
    pg.dropDatabase(database);
    pg.createDatabase(database);
    List<String> args = new ArrayList<>(List.of("--dbname=" + database));
    args.addAll(List.of(options));
    args.add(dump.toString());
    long millis = tools.program("pg_restore", args.toArray(String[]::new)).toMillis();
    pg.dropDatabase(database);
    return millis;
  }

  private record Swap(long millis, long downtimeMillis, long failedConnects, long sessionsEnded) {}

  private Swap swapRestore(ServiceProcess restores, String backupId) throws Exception {
    String responder = "lifeboat-responder";
    JsonNode plan =
        send(
            HttpRequest.newBuilder(URI.create(restores.url() + "/api/v1/restores"))
                .header("Authorization", "Bearer " + Tokens.forRoles("bench", responder))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"backupId\":\"" + backupId + "\",\"database\":\"" + DATABASE + "\"}")),
            201);
    String restoreId = plan.path("restoreId").asText();
    var poller = new SessionProbe();
    Thread polling = new Thread(poller, "session-probe");
    polling.start();
    long started = System.nanoTime();
    send(
        HttpRequest.newBuilder(
                URI.create(restores.url() + "/api/v1/restores/" + restoreId + "/confirm"))
            .header("Authorization", "Bearer " + Tokens.forRoles("bench", responder))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"confirmationCode\":\"" + plan.path("confirmationCode").asText() + "\"}")),
        202);
    long deadline = started + TIMEOUT.toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      status =
          getJson(restores.url() + "/api/v1/restores/" + restoreId, "lifeboat-viewer")
              .path("status")
              .asText();
      if (status.equals("COMPLETED") || status.equals("FAILED")) {
        break;
      }
      Thread.sleep(100);
    }
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    poller.stop.set(true);
    polling.join();
    if (!status.equals("COMPLETED")) {
      throw new IllegalStateException("restore " + restoreId + " ended " + status);
    }
    pg.dropDatabase(DATABASE + "_pre_" + restoreId);
    return new Swap(millis, poller.longestOutageMillis(), poller.failed, poller.sessionsEnded);
  }

  /**
   * An application connected to the target: one session that runs {@code SELECT 1} every {@link
   * #PAUSE_MILLIS} ms and, once the swap ends it, reconnects at once and again until it gets in.
   * The outage is the longest time from its last answer before a failure to its first answer after.
   * It holds its session rather than connecting for every query: a connect loop (a backend forked
   * and a SCRAM exchange each time) took a good part of the two cores from the restore it measured.
   */
  private final class SessionProbe implements Runnable {
    static final long PAUSE_MILLIS = 5;
    final AtomicBoolean stop = new AtomicBoolean();
    long failed;
    long sessionsEnded;
    private long lastSuccess = System.nanoTime();
    private boolean failing;
    private long longestNanos;

    @Override
    public void run() {
      Properties props = new Properties();
      props.setProperty("user", pg.username());
      props.setProperty("password", pg.password());
      props.setProperty("connectTimeout", "2");
      while (!stop.get()) {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(DATABASE), props);
            var s = c.createStatement()) {
          while (!stop.get()) {
            s.execute("SELECT 1");
            long now = System.nanoTime();
            if (failing) {
              longestNanos = Math.max(longestNanos, now - lastSuccess);
              failing = false;
            }
            lastSuccess = now;
            Thread.sleep(PAUSE_MILLIS);
          }
        } catch (SQLException e) {
          if (!failing) {
            sessionsEnded++;
          } else {
            failed++;
          }
          failing = true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    long longestOutageMillis() {
      return Duration.ofNanos(longestNanos).toMillis();
    }
  }

  private JsonNode getJson(String url, String role) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + Tokens.forRoles("bench", role))
            .GET(),
        200);
  }

  private JsonNode send(HttpRequest.Builder request, int expected) throws Exception {
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          request.build().uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    return json.readTree(response.body());
  }

  private static void log(String format, Object... args) {
    System.out.println(
        "[bench "
            + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
            + "] "
            + format.formatted(args));
  }
}
