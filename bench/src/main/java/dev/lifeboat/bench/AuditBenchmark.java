package dev.lifeboat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.bench.lifeboat.ServiceLaunch;
import dev.lifeboat.bench.lifeboat.Startup;
import dev.lifeboat.bench.report.AuditReport;
import dev.lifeboat.bench.report.AuditReport.Drain;
import dev.lifeboat.bench.report.AuditReport.Host;
import dev.lifeboat.bench.report.AuditReport.Latency;
import dev.lifeboat.bench.report.Machine;
import dev.lifeboat.bench.report.ResultsFile;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.PostgresEndpoint;
import dev.lifeboat.testsupport.ServiceProcess;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures audit-service: how many events a second it stores from Kafka into PostgreSQL, and the
 * delay from publishing an event to seeing it in {@code GET /api/v1/events} at a steady rate. See
 * {@code bench/README.md} ("audit-service").
 *
 * <ol>
 *   <li>Throughput of a freshly started service ("cold"): {@code bench.audit.events} events
 *       (backup.progress, about 330 bytes, keyed by 20 databases) are put on {@code
 *       lifeboat.events} first; then audit-service starts with an empty audit schema and drains the
 *       topic. The rate is the events divided by the time between the first and the last batch's
 *       commit ({@code stored_at}), so the service's start is not counted, but its JIT compiler's
 *       work is.
 *   <li>Throughput of a service that has run for a while ("warm", the goal's figure): the same
 *       number of events is published while the benchmark holds the service's insert lock, so they
 *       queue up on the topic; the rate is the events divided by the time from letting go until the
 *       last of them is visible to readers.
 *   <li>Delay: with the service caught up and the table vacuumed, events are published at {@code
 *       bench.audit.rate} a second for {@code bench.audit.seconds}, each timed from just before
 *       {@code send()} until a poller, asking the query API for what follows the last event it saw
 *       over and over, first sees it. The first second is a warm-up and not counted.
 * </ol>
 */
public final class AuditBenchmark {
  private static final String CONTROL = "lifeboat_audit_bench";
  private static final int DATABASES = 20;
  private static final int POLL_PAUSE_MS = 5;

  /** audit-service's insert lock (AuditRepository.INSERT_LOCK). */
  private static final long INSERT_LOCK = 0x6c69_6665_626f_6174L;

  private final PostgresEndpoint pg;
  private final KafkaEndpoint kafka;
  private final int events;
  private final int rate;
  private final int seconds;
  private final Path repository;
  private final ServiceLaunch launch;
  private final List<Startup> startups = new ArrayList<>();
  private final ObjectMapper json = new ObjectMapper();

  private AuditBenchmark(PostgresEndpoint pg, KafkaEndpoint kafka) {
    this.pg = pg;
    this.kafka = kafka;
    this.events = setting("bench.audit.events", 200_000);
    this.rate = setting("bench.audit.rate", 1_000);
    this.seconds = setting("bench.audit.seconds", 30);
    this.repository = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    // Extra JVM options for the service only (a profiler, a collector), after its image's.
    this.launch =
        ServiceLaunch.asImage(
            repository,
            "audit-service",
            ServiceLaunch.parse(System.getenv("BENCH_AUDIT_JVM_OPTIONS")));
  }

  /**
   * A system property, or the environment variable of the same name upper-cased with {@code _} for
   * {@code .} ({@code BENCH_AUDIT_EVENTS}): Maven's exec:exec passes the latter to the benchmark's
   * JVM as it is.
   */
  private static int setting(String name, int fallback) {
    String value = System.getProperty(name);
    if (value == null) {
      value = System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return value == null ? fallback : Integer.parseInt(value.trim());
  }

  public static void main(String[] args) {
    System.setProperty("lifeboat.it.infra", System.getProperty("lifeboat.it.infra", "local"));
    // The broker keeps the tests' C1-only JIT here: with the full JIT it spent the short drains
    // compiling, and the service stored 15 800 events/s instead of 22 400 (2026-11-22).
    // Figures must describe PostgreSQL as users run it: its default durability, fsync on.
    TestServers.useDurablePostgres();
    int status = 0;
    try {
      new AuditBenchmark(TestServers.postgres(), TestServers.kafka()).run();
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private void run() throws Exception {
    String loadAtStart = Machine.loadAverage();
    Path jar = repository.resolve("audit-service/target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: build audit-service first (./mvnw -q package -DskipTests -pl audit-service)");
    }
    pg.dropDatabase(CONTROL);
    pg.createDatabase(CONTROL);
    String run = "bench-" + System.currentTimeMillis();
    String topic = run + ".events";

    publish(topic, run, 0, events);

    Path log = TestServers.baseDir().resolve("audit-bench.log");
    try (ServiceProcess service = start(jar, run, topic, log)) {
      awaitStored(events, log);
      double coldSeconds =
          pg.queryLong(
                  CONTROL,
                  "SELECT (extract(epoch FROM max(stored_at) - min(stored_at)) * 1000000)::bigint"
                      + " FROM audit.events")
              / 1e6;
      long coldBatches =
          pg.queryLong(CONTROL, "SELECT count(DISTINCT stored_at) FROM audit.events");
      Drain cold = new Drain(events, coldSeconds, coldBatches);
      System.out.println("cold: " + cold);
      // The last batch's republish finishes just after its rows are visible.
      Thread.sleep(500);
      Map<String, double[]> afterCold = phaseTotals(service);

      Drain warm = warmDrain(topic, run, log);
      System.out.println("warm: " + warm);
      Thread.sleep(500);
      Map<String, double[]> afterWarm = phaseTotals(service);
      settle();

      Latency latency = latency(service, topic, run);
      System.out.printf(
          "delay publish -> visible in the query API at %d/s: median %.1f ms, p99 %.1f ms, max %.1f ms"
              + " (%d events)%n",
          rate, latency.median(), latency.p99(), latency.max(), latency.count());
      String phases =
          AuditReport.meanTimesPerBatch(PHASES, afterCold, afterWarm, phaseTotals(service));
      System.out.println(phases);
      var report =
          new AuditReport(
              LocalDateTime.now(),
              Host.thisMachine(),
              startups.get(0),
              loadAtStart,
              Machine.loadAverage(),
              cold,
              warm,
              rate,
              latency,
              phases,
              log);
      Path results = Path.of(System.getProperty("user.dir")).resolve("results");
      Path written = ResultsFile.write(results, report.fileName(), report.markdown());
      System.out.println("written to " + written);
    }
  }

  /**
   * Puts the machine back in a steady state after the drains, so that the delay is not measured
   * behind their aftermath: the autovacuum that 400 000 new rows set off, the checkpoint that their
   * gigabyte of WAL sets off, and the kernel writing back the drains' dirty pages (PostgreSQL's and
   * the broker's), which on this machine's disk comes in bursts of hundreds of megabytes every five
   * seconds for half a minute and holds up the database's writes for up to a second.
   */
  private void settle() throws IOException, InterruptedException {
    pg.execute(CONTROL, "VACUUM ANALYZE audit.events");
    pg.execute(CONTROL, "CHECKPOINT");
    Process sync = new ProcessBuilder("sync").inheritIO().start();
    if (sync.waitFor() != 0) {
      throw new IllegalStateException("sync failed");
    }
    // The file system's journal commits what sync wrote a moment later.
    Thread.sleep(5_000);
  }

  /**
   * The same number of events again, drained by the service now that it has run for a while (its
   * code compiled, as in production): the bench holds the service's insert lock (see
   * AuditRepository) while it publishes them, so they queue up on the topic, then lets go and times
   * from then until the last of them is visible to readers.
   */
  private Drain warmDrain(String topic, String run, Path log) throws Exception {
    long storedBefore = pg.queryLong(CONTROL, "SELECT max(auditseq) FROM audit.events");
    long released;
    try (Connection hold = pg.connect(CONTROL);
        Statement statement = hold.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + INSERT_LOCK + ")");
      publish(topic, run, events, events);
      released = System.nanoTime();
      statement.execute("SELECT pg_advisory_unlock(" + INSERT_LOCK + ")");
    }
    String newRows = "FROM audit.events WHERE auditseq > " + storedBefore;
    long deadline = released + Duration.ofMinutes(20).toNanos();
    // max(auditseq) is one index probe, so polling it often does not slow the drain; counting the
    // new rows confirms it (auditseq has no gaps here: every event is new).
    while (pg.queryLong(CONTROL, "SELECT max(auditseq) FROM audit.events") < storedBefore + events
        || pg.queryLong(CONTROL, "SELECT count(*) " + newRows) < events) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the warm drain did not finish; see " + log);
      }
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - released) / 1e9;
    return new Drain(
        events, seconds, pg.queryLong(CONTROL, "SELECT count(DISTINCT stored_at) " + newRows));
  }

  /** Publishes events {@code first} to {@code first + count - 1} of this run. */
  private void publish(String topic, String run, int first, int count) throws Exception {
    System.out.printf("publishing %d events to %s ...%n", count, topic);
    long publishStart = System.nanoTime();
    try (KafkaProducer<String, String> producer = producer(16384, 20)) {
      List<Future<?>> pending = new ArrayList<>();
      for (int i = first; i < first + count; i++) {
        pending.add(producer.send(record(topic, run, i)));
        if (pending.size() >= 10_000) {
          for (Future<?> f : pending) {
            f.get();
          }
          pending.clear();
        }
      }
      for (Future<?> f : pending) {
        f.get();
      }
    }
    System.out.printf("published in %.1f s%n", (System.nanoTime() - publishStart) / 1e9);
  }

  private void awaitStored(long expected, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    long stored;
    while ((stored = count()) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + stored + " of " + expected + " stored; see " + log);
      }
      Thread.sleep(200);
    }
  }

  private ServiceProcess start(Path jar, String run, String topic, Path log) {
    Map<String, String> env = new HashMap<>();
    env.put("LIFEBOAT_PG_HOST", pg.host());
    env.put("LIFEBOAT_PG_PORT", Integer.toString(pg.port()));
    env.put("LIFEBOAT_PG_USER", pg.username());
    env.put("LIFEBOAT_PG_PASSWORD", pg.password());
    env.put("LIFEBOAT_KAFKA", kafka.bootstrapServers());
    Map<String, String> properties = new HashMap<>();
    properties.put("quarkus.datasource.reactive.url", pg.url(CONTROL));
    properties.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(CONTROL));
    properties.put("lifeboat.audit.topics.events", topic);
    properties.put("lifeboat.audit.topics.backup-requests", run + ".backup.requests");
    properties.put("lifeboat.audit.topics.restore-commands", run + ".restore.commands");
    properties.put("lifeboat.audit.topics.dead-letters", run + ".dlq");
    properties.put("mp.messaging.outgoing.audit-out.topic", run + ".audit");
    properties.put("mp.messaging.outgoing.lifeboat-events.topic", topic);
    properties.put("mp.messaging.incoming.audit-in.group.id", run);
    properties.put(
        "mp.jwt.verify.publickey.location",
        repository
            .resolve("test-support/src/main/resources/dev/lifeboat/testsupport/jwt/publicKey.pem")
            .toString());
    return launch.start(jar, env, properties, log, startups);
  }

  private long count() {
    try {
      return pg.queryLong(CONTROL, "SELECT count(*) FROM audit.events");
    } catch (IllegalStateException e) {
      return 0; // not migrated yet
    }
  }

  private static KafkaProducer<String, String> producer(int batchSize, int lingerMs) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSize));
    props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  private static ProducerRecord<String, String> record(String topic, String run, int i) {
    String database = "db" + (i % DATABASES);
    String value =
        "{\"specversion\":\"1.0\",\"id\":\""
            + run
            + "-"
            + i
            + "\",\"source\":\"/lifeboat/backup-service\",\"type\":\"dev.lifeboat.backup.progress\","
            + "\"subject\":\""
            + database
            + "\",\"time\":\"2026-01-02T14:30:22.481Z\",\"datacontenttype\":\"application/json\","
            + "\"correlationid\":\"deploy-"
            + (i / 100)
            + "\",\"data\":{\"backupId\":\"bk_20260102T143022Z_1a2b3c4d\",\"database\":\""
            + database
            + "\",\"bytesDumped\":"
            + (i * 4096L)
            + ",\"bytesStored\":"
            + (i * 1024L)
            + ",\"bytesPerSecond\":52428800}}";
    return new ProducerRecord<>(topic, database, value);
  }

  private Latency latency(ServiceProcess service, String topic, String run) throws Exception {
    String token = "Bearer " + Tokens.forRoles("bench", "lifeboat-viewer");
    HttpClient http = HttpClient.newHttpClient();
    long cursor = pg.queryLong(CONTROL, "SELECT max(auditseq) FROM audit.events");
    int total = rate * seconds;
    long[] sentAt = new long[total];
    long[] seenAt = new long[total];
    Map<String, Integer> index = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    String prefix = run + "-live-";
    Thread poller =
        new Thread(
            () -> {
              long after = cursor;
              int seen = 0;
              while (!done.get() && seen < total) {
                try {
                  var response =
                      http.send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      service.url() + "/api/v1/events?limit=1000&cursor=" + after))
                              .header("Authorization", token)
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  long now = System.nanoTime();
                  JsonNode page = json.readTree(response.body()).path("events");
                  for (JsonNode e : page) {
                    after = e.path("auditseq").asLong();
                    Integer i = index.get(e.path("event").path("id").asText());
                    if (i != null && seenAt[i] == 0) {
                      seenAt[i] = now;
                      seen++;
                    }
                  }
                  // A dashboard polling flat out would take a core from the service it measures.
                  Thread.sleep(POLL_PAUSE_MS);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            },
            "query-poller");
    poller.start();
    System.out.printf("publishing %d events at %d/s ...%n", total, rate);
    try (KafkaProducer<String, String> producer = producer(16384, 0)) {
      long start = System.nanoTime();
      long interval = 1_000_000_000L / rate;
      for (int i = 0; i < total; i++) {
        long due = start + i * interval;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        ProducerRecord<String, String> r = record(topic, run + "-live", i);
        index.put(prefix + i, i);
        sentAt[i] = System.nanoTime();
        producer.send(r);
      }
      producer.flush();
    }
    poller.join(60_000);
    done.set(true);
    List<Double> delays = new ArrayList<>();
    int warmup = rate; // the first second
    int missing = 0;
    for (int i = warmup; i < total; i++) {
      if (seenAt[i] == 0) {
        missing++;
      } else {
        delays.add((seenAt[i] - sentAt[i]) / 1e6);
      }
    }
    if (missing > 0) {
      throw new IllegalStateException(missing + " events never became visible");
    }
    delays.sort(Double::compare);
    return new Latency(
        delays.size(),
        delays.get(delays.size() / 2),
        delays.get((int) Math.ceil(delays.size() * 0.99) - 1),
        delays.get(delays.size() - 1));
  }

  private static final List<String> PHASES = List.of("read", "insert", "republish");

  /** Per phase, the service's own timer: seconds in total and batches so far. */
  private static Map<String, double[]> phaseTotals(ServiceProcess service) throws Exception {
    String metrics = service.metrics();
    Map<String, double[]> totals = new HashMap<>();
    for (String phase : PHASES) {
      totals.put(
          phase,
          new double[] {
            metric(metrics, "lifeboat_audit_batch_phase_seconds_sum", phase),
            metric(metrics, "lifeboat_audit_batch_phase_seconds_count", phase)
          });
    }
    return totals;
  }

  private static double metric(String metrics, String name, String phase) {
    var m =
        java.util.regex.Pattern.compile(
                "^" + name + "\\{[^}]*phase=\"" + phase + "\"[^}]*} ([0-9.eE+-]+)$",
                java.util.regex.Pattern.MULTILINE)
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
