package dev.lifeboat.common.messaging;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.CommandRejected;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The dead-letter pattern every Kafka consumer of Lifeboat follows: read a record as a typed
 * CloudEvent, and when it cannot be read, {@link #reject} it. Rejecting publishes a {@code
 * dev.lifeboat.command.rejected} event and then nacks the record, which the channel's {@code
 * dead-letter-queue} failure strategy forwards, unchanged, to {@code lifeboat.dlq} with the reason
 * in its {@code dead-letter-reason} header. The consumer then goes on with the next record.
 *
 * <p>Incoming channels read {@code byte[]} so that the dead letter keeps the original bytes even
 * when they are not UTF-8.
 */
@ApplicationScoped
public class InboundEvents {
  private static final Logger LOG = Logger.getLogger(InboundEvents.class);

  private final CloudEventCodec codec;
  private final EventPublisher publisher;

  public InboundEvents(CloudEventCodec codec, EventPublisher publisher) {
    this.codec = codec;
    this.publisher = publisher;
  }

  public <T extends EventData> CloudEvent<T> read(Message<byte[]> message, EventType<T> expected)
      throws InvalidEventException {
    return codec.decode(message.getPayload(), headers(message), expected);
  }

  public CloudEvent<EventData> read(Message<byte[]> message) throws InvalidEventException {
    return codec.decode(message.getPayload(), headers(message));
  }

  /**
   * Records why the message is refused ({@code command.rejected} on {@code lifeboat.events}), then
   * hands it to the dead-letter queue. Completes once both are done, so the offset moves on only
   * when the rejection is durable.
   */
  public Uni<Void> reject(Message<byte[]> message, InvalidEventException problem) {
    var kafka = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
    String topic = kafka == null ? "unknown" : kafka.getTopic();
    int partition = kafka == null ? -1 : kafka.getPartition();
    long offset = kafka == null ? -1 : kafka.getOffset();
    LOG.warnf("rejected record %s-%d@%d: %s", topic, partition, offset, problem.getMessage());
    var rejected =
        new CommandRejected(
            problem.database(),
            problem.getMessage(),
            problem.eventId(),
            problem.eventType(),
            topic,
            partition,
            offset);
    String correlationId = problem.eventId();
    String key = kafka != null && kafka.getKey() != null ? String.valueOf(kafka.getKey()) : null;
    return publisher
        .publish(publisher.event(EventType.COMMAND_REJECTED, correlationId, rejected), key)
        .chain(() -> Uni.createFrom().completionStage(message.nack(problem)));
  }

  private static Map<String, String> headers(Message<byte[]> message) {
    Map<String, String> headers = new HashMap<>();
    message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .ifPresent(
            kafka -> {
              for (Header header : kafka.getHeaders()) {
                if (header.value() != null) {
                  headers.put(
                      header.key().toLowerCase(java.util.Locale.ROOT),
                      new String(header.value(), StandardCharsets.UTF_8));
                }
              }
            });
    return headers;
  }
}
