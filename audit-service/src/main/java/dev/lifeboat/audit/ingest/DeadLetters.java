package dev.lifeboat.audit.ingest;

import dev.lifeboat.common.events.CommandRejected;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.DeadLetterRecords;
import dev.lifeboat.common.messaging.EventPublisher;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * The dead-letter pattern of {@code common.messaging.InboundEvents}, for records read in batches: a
 * {@code dev.lifeboat.command.rejected} event on {@code lifeboat.events}, and the original record
 * (same key, same bytes, its headers; cut when too large, as {@link DeadLetterRecords} says) on
 * {@code lifeboat.dlq} with the same {@code dead-letter-*} headers SmallRye's dead-letter queue
 * writes. A batch cannot be nacked record by record, so this sends the dead letter itself.
 */
@ApplicationScoped
public class DeadLetters {
  public static final String CHANNEL = "audit-dead-letters";
  private static final Logger LOG = Logger.getLogger(DeadLetters.class);

  private final MutinyEmitter<byte[]> emitter;
  private final EventPublisher publisher;

  public DeadLetters(
      @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 5_000)
          MutinyEmitter<byte[]> emitter,
      EventPublisher publisher) {
    this.emitter = emitter;
    this.publisher = publisher;
  }

  /**
   * Completes once both the rejection and the dead letter are on the broker. The dead letter of a
   * record too large to forward whole is cut, as {@link DeadLetterRecords} says: whole, its send
   * would fail and stop the batch for good.
   */
  public Uni<Void> reject(ConsumerRecord<String, byte[]> record, InvalidEventException problem) {
    String reason = DeadLetterRecords.safeReason(problem.getMessage());
    InvalidEventException safe =
        reason.equals(problem.getMessage())
            ? problem
            : new InvalidEventException(
                reason, problem.eventId(), problem.eventType(), problem.database());
    LOG.warnf(
        "rejected record %s-%d@%d: %s",
        record.topic(), record.partition(), record.offset(), reason);
    var rejected =
        new CommandRejected(
            problem.database(),
            reason,
            problem.eventId(),
            problem.eventType(),
            record.topic(),
            record.partition(),
            record.offset());
    return publisher
        .publish(
            publisher.event(EventType.COMMAND_REJECTED, problem.eventId(), rejected),
            DeadLetterRecords.shortKey(record.key()))
        .chain(
            () ->
                emitter.sendMessage(
                    DeadLetterRecords.deadLetter(record, record.value(), safe, null)));
  }
}
