package dev.lifeboat.audit.ingest;

import dev.lifeboat.common.events.CommandRejected;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.EventPublisher;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * The dead-letter pattern of {@code common.messaging.InboundEvents}, for records read in batches: a
 * {@code dev.lifeboat.command.rejected} event on {@code lifeboat.events}, and the original record
 * (same key, same bytes, its headers) on {@code lifeboat.dlq} with the same {@code dead-letter-*}
 * headers SmallRye's dead-letter queue writes. A batch cannot be nacked record by record, so this
 * sends the dead letter itself.
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

  /** Completes once both the rejection and the dead letter are on the broker. */
  public Uni<Void> reject(ConsumerRecord<String, byte[]> record, InvalidEventException problem) {
    LOG.warnf(
        "rejected record %s-%d@%d: %s",
        record.topic(), record.partition(), record.offset(), problem.getMessage());
    var rejected =
        new CommandRejected(
            problem.database(),
            problem.getMessage(),
            problem.eventId(),
            problem.eventType(),
            record.topic(),
            record.partition(),
            record.offset());
    return publisher
        .publish(
            publisher.event(EventType.COMMAND_REJECTED, problem.eventId(), rejected), record.key())
        .chain(() -> emitter.sendMessage(deadLetter(record, problem)));
  }

  private static Message<byte[]> deadLetter(
      ConsumerRecord<String, byte[]> record, InvalidEventException problem) {
    var headers = new RecordHeaders();
    for (Header header : record.headers()) {
      headers.add(header.key(), header.value());
    }
    headers
        .add("dead-letter-reason", bytes(problem.getMessage()))
        .add("dead-letter-topic", bytes(record.topic()))
        .add("dead-letter-partition", bytes(Integer.toString(record.partition())))
        .add("dead-letter-offset", bytes(Long.toString(record.offset())))
        .add("dead-letter-exception-class-name", bytes(problem.getClass().getName()));
    var metadata =
        OutgoingKafkaRecordMetadata.<String>builder()
            .withKey(record.key())
            .withHeaders(headers)
            .build();
    byte[] value = record.value() == null ? new byte[0] : record.value();
    return Message.of(value).addMetadata(metadata);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
