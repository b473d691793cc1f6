package dev.lifeboat.common.messaging;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.CommandRejected;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Channel;
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
 *
 * <p>A record too large to forward whole ({@link DeadLetterRecords#tooLargeToForward}) is not
 * handed to the failure strategy, whose send of it would fail and stop the channel, nor is one with
 * {@code dead-letter-*} headers of its own, which the strategy would pass on after its own: their
 * dead letters are published here instead, as {@link DeadLetterRecords} writes them.
 */
@ApplicationScoped
public class InboundEvents {
  private static final Logger LOG = Logger.getLogger(InboundEvents.class);

  /** The outgoing channel of the dead letters published here, bound in common's configuration. */
  public static final String DEAD_LETTERS_CHANNEL = "lifeboat-dead-letters";

  private final CloudEventCodec codec;
  private final EventPublisher publisher;
  private final MutinyEmitter<byte[]> deadLetters;

  public InboundEvents(
      CloudEventCodec codec,
      EventPublisher publisher,
      @Channel(DEAD_LETTERS_CHANNEL) MutinyEmitter<byte[]> deadLetters) {
    this.codec = codec;
    this.publisher = publisher;
    this.deadLetters = deadLetters;
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
    String reason = DeadLetterRecords.safeReason(problem.getMessage());
    InvalidEventException safe =
        reason.equals(problem.getMessage())
            ? problem
            : new InvalidEventException(
                reason, problem.eventId(), problem.eventType(), problem.database());
    LOG.warnf("rejected record %s-%d@%d: %s", topic, partition, offset, reason);
    var rejected =
        new CommandRejected(
            problem.database(),
            reason,
            problem.eventId(),
            problem.eventType(),
            topic,
            partition,
            offset);
    String correlationId = problem.eventId();
    return publisher
        .publish(
            publisher.event(EventType.COMMAND_REJECTED, correlationId, rejected),
            DeadLetterRecords.shortKey(kafka == null ? null : kafka.getKey()))
        .chain(
            () ->
                kafka != null
                        && (DeadLetterRecords.tooLargeToForward(kafka.getRecord())
                            || DeadLetterRecords.carriesDeadLetterHeaders(kafka.getRecord()))
                    ? publishDeadLetter(message, kafka, safe)
                    : Uni.createFrom().completionStage(message.nack(safe)));
  }

  /**
   * Publishes the dead letter of a record the failure strategy would forward wrongly, then
   * acknowledges the record: one too large to forward whole, or one with dead-letter headers of its
   * own.
   */
  private Uni<Void> publishDeadLetter(
      Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> kafka, InvalidEventException why) {
    LOG.warnf(
        "record %s-%d@%d (%d bytes) is dead-lettered by Lifeboat, not the failure strategy",
        kafka.getTopic(),
        kafka.getPartition(),
        kafka.getOffset(),
        kafka.getRecord().serializedValueSize());
    return deadLetters
        .sendMessage(
            DeadLetterRecords.deadLetter(
                kafka.getRecord(), message.getPayload(), why, deadLetterTopic(kafka.getChannel())))
        .chain(() -> Uni.createFrom().completionStage(message.ack()));
  }

  /** The channel's dead-letter topic, as its failure strategy would use it. */
  private static String deadLetterTopic(String channel) {
    return ConfigProvider.getConfig()
        .getOptionalValue(
            "mp.messaging.incoming." + channel + ".dead-letter-queue.topic", String.class)
        .orElse(Topics.DEAD_LETTERS);
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
