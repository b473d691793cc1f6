package dev.lifeboat.audit.stream;

import dev.lifeboat.audit.AuditConfig;
import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.EventQuery;
import dev.lifeboat.audit.store.StoredEntry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The live end of the audit log, for stream clients. It hands out stored events strictly in
 * auditseq order and without gaps: events this instance stored come straight from the consumer when
 * they follow the last one handed out; otherwise (another instance stored some in between, or
 * sequence numbers were skipped) the missing range is read from the database first. Every step runs
 * one at a time, on one queue.
 *
 * <p>Each client has a bounded queue of its own. Handing out only enqueues, so a slow client never
 * slows ingestion; a client whose queue overflows is disconnected and catches up from the database
 * when it reconnects with {@code Last-Event-ID}.
 */
@ApplicationScoped
public class EventTail {
  private static final Logger LOG = Logger.getLogger(EventTail.class);
  private static final int REPLAY_PAGE = 500;

  private final AuditRepository repository;
  private final int clientBuffer;
  private final List<Client> clients = new CopyOnWriteArrayList<>();
  private final UnicastProcessor<Step> steps = UnicastProcessor.create();

  /** The auditseq of the last event handed out (at start: the last one stored). */
  private final AtomicLong last = new AtomicLong();

  public EventTail(AuditRepository repository, AuditConfig config) {
    this.repository = repository;
    this.clientBuffer = config.stream().clientBuffer();
  }

  /** Work for the tail: events just stored (empty: look for others' events). */
  private record Step(List<StoredEntry> stored, CompletableFuture<Void> done) {}

  void start(@Observes StartupEvent started) {
    // Known before any client connects or any event is handed out: a client starts after it.
    last.set(repository.lastSeq().await().atMost(java.time.Duration.ofSeconds(60)));
    steps
        .onItem()
        .transformToUniAndConcatenate(
            step ->
                run(step.stored())
                    .onFailure()
                    .invoke(e -> LOG.warnf("live stream could not catch up yet: %s", e.toString()))
                    .onFailure()
                    .recoverWithNull()
                    .invoke(() -> step.done().complete(null)))
        .subscribe()
        .with(ignored -> {}, e -> LOG.errorf(e, "the live stream stopped"));
  }

  /** Events the consumer just stored, by auditseq. Completes once they are handed out. */
  public Uni<Void> offer(List<StoredEntry> stored) {
    if (stored.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return submit(stored);
  }

  @Scheduled(
      every = "${lifeboat.audit.stream.poll-interval}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> poll() {
    return clients.isEmpty() ? Uni.createFrom().voidItem() : submit(List.of());
  }

  private Uni<Void> submit(List<StoredEntry> stored) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    steps.onNext(new Step(stored, done));
    return Uni.createFrom().completionStage(done);
  }

  private Uni<Void> run(List<StoredEntry> stored) {
    long known = last.get();
    if (!stored.isEmpty() && stored.get(0).auditseq() == known + 1) {
      handOut(stored);
      return Uni.createFrom().voidItem();
    }
    if (stored.isEmpty()) {
      return repository
          .find(EventQuery.after(known, 5_000))
          .invoke(this::handOut)
          .replaceWithVoid();
    }
    long upTo = stored.get(stored.size() - 1).auditseq();
    return upTo <= known
        ? Uni.createFrom().voidItem()
        : repository.range(known, upTo).invoke(this::handOut).replaceWithVoid();
  }

  private void handOut(List<StoredEntry> entries) {
    for (StoredEntry entry : entries) {
      if (entry.auditseq() <= last.get()) {
        continue;
      }
      last.set(entry.auditseq());
      for (Client client : clients) {
        client.offer(entry);
      }
    }
  }

  /**
   * The events after {@code afterSeq} (or, when absent, from now on) that match the query's
   * filters: first the stored ones, from the database, then the live ones as they are stored.
   */
  public Multi<StoredEntry> follow(Long afterSeq, EventQuery filters) {
    return Multi.createFrom()
        .deferred(
            () -> {
              Client client = new Client(clientBuffer);
              clients.add(client);
              // Registered first: whatever is handed out from now on waits in the client's
              // queue, and whatever was handed out before is in the database for the replay.
              long position = afterSeq != null ? afterSeq : last.get();
              AtomicLong replayed = new AtomicLong(position);
              AtomicLong delivered = new AtomicLong(position);
              Multi<StoredEntry> replay =
                  afterSeq == null
                      ? Multi.createFrom().empty()
                      : Multi.createBy()
                          .repeating()
                          .uni(
                              () ->
                                  repository
                                      .find(
                                          filters.withAfter(replayed.get()).withLimit(REPLAY_PAGE))
                                      .invoke(
                                          page -> {
                                            if (!page.isEmpty()) {
                                              replayed.set(page.get(page.size() - 1).auditseq());
                                            }
                                          }))
                          .until(List::isEmpty)
                          .onItem()
                          .disjoint();
              Multi<StoredEntry> live =
                  client
                      .queue
                      .emitOn(Infrastructure.getDefaultWorkerPool())
                      .select()
                      .where(filters::matches);
              return Multi.createBy()
                  .concatenating()
                  .streams(replay, live)
                  .select()
                  .where(
                      entry -> {
                        if (entry.auditseq() <= delivered.get()) {
                          return false;
                        }
                        delivered.set(entry.auditseq());
                        return true;
                      })
                  .onTermination()
                  .invoke(() -> clients.remove(client));
            });
  }

  /** A stream client's waiting events. */
  private static final class Client {
    private final LinkedBlockingQueue<StoredEntry> waiting = new LinkedBlockingQueue<>();
    private final UnicastProcessor<StoredEntry> queue = UnicastProcessor.create(waiting, null);
    private final int capacity;

    Client(int capacity) {
      this.capacity = capacity;
    }

    void offer(StoredEntry entry) {
      if (waiting.size() >= capacity) {
        queue.onError(new SlowClientException(capacity));
      } else {
        queue.onNext(entry);
      }
    }
  }

  /** A stream client that fell too far behind; it reconnects and catches up. */
  public static final class SlowClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SlowClientException(int capacity) {
      super("more than " + capacity + " events waiting: the client is too slow");
    }
  }
}
