package dev.lifeboat.audit.ingest;

import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.NewEntry;
import dev.lifeboat.audit.store.StoredEntry;
import dev.lifeboat.audit.stream.EventTail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Stores what Lifeboat's topics carry, a poll's batch at a time, in three overlapping stages:
 * reading (rejected records are dead-lettered), storing (the rest inserted in one transaction, a
 * redelivered event left out by its id, the new rows handed to the live stream) and republishing on
 * {@code lifeboat.audit}. Each stage takes one batch at a time, in order, so each database's events
 * keep their order and auditseq order is the order of republishing. A batch is acknowledged, and so
 * its offsets committed, only once it is both stored and republished. Overlapping the stages is
 * what lets a 2-core machine store 20 000 events a second: alone, waiting for the database and the
 * broker took most of a batch's time.
 */
@ApplicationScoped
public class AuditConsumer {
  public static final String CHANNEL = "audit-in";
  private static final Logger LOG = Logger.getLogger(AuditConsumer.class);

  private final RecordReader reader;
  private final AuditRepository repository;
  private final DeadLetters deadLetters;
  private final AuditRepublisher republisher;
  private final EventTail tail;
  private final Counter stored;
  private final Counter redelivered;
  private final Counter rejected;
  private final Counter skipped;
  private final MeterRegistry registry;

  // The ends of the two queues behind reading: the last batch stored, the last one republished
  // and acknowledged, and the one republished before it. Only the channel's one processing
  // sequence replaces them; completions arrive on other threads, hence volatile.
  private volatile CompletableFuture<Void> storing = CompletableFuture.completedFuture(null);
  private volatile CompletableFuture<Void> republishing = CompletableFuture.completedFuture(null);
  private volatile CompletableFuture<Void> republishedBefore =
      CompletableFuture.completedFuture(null);

  public AuditConsumer(
      RecordReader reader,
      AuditRepository repository,
      DeadLetters deadLetters,
      AuditRepublisher republisher,
      EventTail tail,
      MeterRegistry registry) {
    this.reader = reader;
    this.repository = repository;
    this.deadLetters = deadLetters;
    this.republisher = republisher;
    this.tail = tail;
    this.stored = counter(registry, "stored");
    this.redelivered = counter(registry, "duplicate");
    this.rejected = counter(registry, "rejected");
    this.skipped = counter(registry, "skipped");
    this.registry = registry;
  }

  /**
   * Times one phase of a batch ({@code read}, {@code insert}, {@code republish}): where a batch's
   * time goes, for operators and the benchmark.
   */
  private <T> Uni<T> timed(String phase, java.util.function.Supplier<Uni<T>> work) {
    Timer.Sample sample = Timer.start(registry);
    return work.get().onTermination().invoke(() -> sample.stop(phaseTimer(phase)));
  }

  private Timer phaseTimer(String phase) {
    return Timer.builder("lifeboat.audit.batch.phase")
        .description("Time a batch of records spends in each phase")
        .tag("phase", phase)
        .register(registry);
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("lifeboat.audit.records")
        .description("Records read by audit-service, by what became of them")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** A batch as read: what to store, what to dead-letter, and how far each partition got. */
  private record ReadBatch(
      List<NewEntry> entries, Uni<Void> rejecting, List<AuditRepository.Position> positions) {}

  /**
   * Three stages overlap: this batch is read (on a worker thread, so that it does not hold up the
   * event loop that carries the inserts), the one before is inserted, the one before that is
   * republished. Each stage handles one batch at a time and in order; the next batch comes once
   * this one is read, the previous one stored and the one before republished.
   */
  @Incoming(CHANNEL)
  public Uni<Void> onBatch(Message<List<byte[]>> batch) {
    CompletableFuture<Void> previousStored = storing;
    CompletableFuture<Void> earlierRepublished = republishedBefore;
    return Uni.createFrom()
        .item(() -> read(batch))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
        .invoke(read -> pipe(batch, read))
        .chain(() -> Uni.createFrom().completionStage(previousStored))
        .chain(() -> Uni.createFrom().completionStage(earlierRepublished));
  }

  private ReadBatch read(Message<List<byte[]>> batch) {
    Timer.Sample reading = Timer.start(registry);
    @SuppressWarnings("unchecked")
    IncomingKafkaRecordBatchMetadata<String, byte[]> kafka =
        batch.getMetadata(IncomingKafkaRecordBatchMetadata.class).orElseThrow();
    List<NewEntry> entries = new ArrayList<>(kafka.count());
    List<Uni<Void>> rejections = new ArrayList<>();
    Map<String, AuditRepository.Position> positions = new LinkedHashMap<>();
    for (ConsumerRecord<String, byte[]> record : kafka.getRecords()) {
      positions.merge(
          record.topic() + "-" + record.partition(),
          new AuditRepository.Position(record.topic(), record.partition(), record.offset()),
          (a, b) -> a.offset() >= b.offset() ? a : b);
      Intake intake = reader.read(record);
      if (intake instanceof Intake.Store store) {
        entries.add(store.entry());
      } else if (intake instanceof Intake.Reject reject) {
        rejected.increment();
        rejections.add(deadLetters.reject(record, reject.problem()));
      } else if (intake instanceof Intake.Skip skip) {
        skipped.increment();
        LOG.debugf(
            "not storing %s-%d@%d, which its owner rejects: %s",
            record.topic(), record.partition(), record.offset(), skip.reason());
      }
    }
    reading.stop(phaseTimer("read"));
    Uni<Void> rejecting =
        rejections.isEmpty()
            ? Uni.createFrom().voidItem()
            : Uni.join().all(rejections).andFailFast().replaceWithVoid();
    return new ReadBatch(entries, rejecting, List.copyOf(positions.values()));
  }

  /** Queues the batch behind the previous one for storing, and then for republishing. */
  private void pipe(Message<List<byte[]>> batch, ReadBatch read) {
    CompletableFuture<List<StoredEntry>> stored =
        storing.thenCompose(
            previous ->
                read.rejecting().chain(() -> store(read.entries())).subscribeAsCompletionStage());
    republishedBefore = republishing;
    storing = stored.thenApply(fresh -> null);
    republishing =
        republishing
            .thenCombine(stored, (previous, fresh) -> fresh)
            .thenCompose(
                fresh ->
                    republish(read.entries(), fresh, read.positions()).subscribeAsCompletionStage())
            .thenCompose(republished -> batch.ack());
    republishing.whenComplete(
        (done, failure) -> {
          if (failure != null) {
            // The next batch fails the channel with it; this says why if there is none.
            LOG.errorf(failure, "a batch of %d events was not stored", read.entries().size());
          }
        });
  }

  /** Inserts the entries, held until the control database takes them; returns the new rows. */
  private Uni<List<StoredEntry>> store(List<NewEntry> entries) {
    if (entries.isEmpty()) {
      return Uni.createFrom().item(List.of());
    }
    return timed("insert", () -> repository.insert(entries))
        // The control database is unreachable: hold the batch (and the partitions) until it is
        // back, rather than skip events.
        .onFailure()
        .invoke(e -> LOG.warnf("cannot store %d events yet: %s", entries.size(), e.getMessage()))
        .onFailure()
        .retry()
        .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30))
        .indefinitely()
        .call(
            fresh -> {
              stored.increment(fresh.size());
              redelivered.increment(entries.size() - fresh.size());
              return tail.offer(fresh);
            });
  }

  /**
   * Republishes the new rows, and, when some of the batch was stored already, those of them a
   * stopped predecessor stored but did not republish; then records the batch's offsets as
   * republished.
   */
  private Uni<Void> republish(
      List<NewEntry> entries, List<StoredEntry> fresh, List<AuditRepository.Position> positions) {
    Uni<List<StoredEntry>> leftOver =
        fresh.size() == entries.size()
            ? Uni.createFrom().item(List.of())
            : repository.unpublished(entries.stream().map(NewEntry::eventId).toList());
    return leftOver
        .chain(
            earlier -> {
              Set<Long> freshSeqs = new HashSet<>();
              fresh.forEach(f -> freshSeqs.add(f.auditseq()));
              List<StoredEntry> all = new ArrayList<>(fresh);
              for (StoredEntry e : earlier) {
                if (!freshSeqs.contains(e.auditseq())) {
                  all.add(e);
                }
              }
              all.sort(java.util.Comparator.comparingLong(StoredEntry::auditseq));
              return timed(
                  "republish",
                  () ->
                      republisher.publish(all).chain(() -> repository.markRepublished(positions)));
            })
        .onFailure()
        .invoke(e -> LOG.warnf("cannot republish yet: %s", e.getMessage()))
        .onFailure()
        .retry()
        .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30))
        .indefinitely();
  }
}
