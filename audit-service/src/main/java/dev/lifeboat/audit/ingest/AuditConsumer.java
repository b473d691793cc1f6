package dev.lifeboat.audit.ingest;

import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.NewEntry;
import dev.lifeboat.audit.store.StoredEntry;
import dev.lifeboat.audit.stream.EventTail;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Stores what Lifeboat's topics carry, a poll's batch at a time: rejected records are
 * dead-lettered, the rest inserted in one transaction (a redelivered event is left out by its id),
 * the new rows handed to the live stream and republished on {@code lifeboat.audit}, and only then
 * is the batch acknowledged, so that its offsets commit after the rows are durable. Batches are
 * handled one after the other, in the order of the partitions, so each database's events keep their
 * order.
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

  @Incoming(CHANNEL)
  public Uni<Void> onBatch(Message<List<byte[]>> batch) {
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
    return rejecting
        .chain(() -> store(entries, List.copyOf(positions.values())))
        .chain(() -> Uni.createFrom().completionStage(batch.ack()));
  }

  private Uni<Void> store(List<NewEntry> entries, List<AuditRepository.Position> positions) {
    if (entries.isEmpty()) {
      return repository
          .markRepublished(positions)
          .onFailure()
          .retry()
          .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30))
          .indefinitely();
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
        .chain(
            fresh -> {
              stored.increment(fresh.size());
              redelivered.increment(entries.size() - fresh.size());
              return tail.offer(fresh).chain(() -> republish(entries, fresh, positions));
            });
  }

  /**
   * Republishes the new rows, and, when some of the batch was stored already, those of them a
   * stopped predecessor stored but did not republish.
   */
  private Uni<Void> republish(
      List<NewEntry> entries, List<StoredEntry> fresh, List<AuditRepository.Position> positions) {
    Uni<List<StoredEntry>> leftOver =
        fresh.size() == entries.size()
            ? Uni.createFrom().item(List.of())
            : repository.unpublished(entries.stream().map(NewEntry::eventId).toList());
    return leftOver.chain(
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
                  () -> republisher.publish(all).chain(() -> repository.markRepublished(positions)))
              .onFailure()
              .retry()
              .withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30))
              .indefinitely();
        });
  }
}
