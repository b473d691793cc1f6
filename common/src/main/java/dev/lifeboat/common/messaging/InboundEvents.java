package dev.lifeboat.common.messaging;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.CommandRejected;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.events.TextLimits;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * <p>A record too large to forward whole (more than {@link #MAX_FORWARDED_BYTES} of key, value and
 * headers; a topic may take 10 MB, a producer sends 1 MB by default and the dead-letter topic may
 * take less) is not handed to the failure strategy, whose send would fail and stop the channel. Its
 * dead letter is published here instead, with the same headers, the value and key cut to their
 * first bytes, the original's headers as far as they fit, and {@code dead-letter-truncated: true}
 * and {@code dead-letter-original-size} saying so.
 */
@ApplicationScoped
public class InboundEvents {
  private static final Logger LOG = Logger.getLogger(InboundEvents.class);

  /** The outgoing channel of the dead letters published here, bound in common's configuration. */
  public static final String DEAD_LETTERS_CHANNEL = "lifeboat-dead-letters";

  /** A record up to this size (key, value and headers) is forwarded whole. */
  static final int MAX_FORWARDED_BYTES = TextLimits.EVENT_BYTES;

  /** Of a larger one: the first bytes of its value, of its key, and headers up to this size. */
  static final int MAX_FORWARDED_KEY_CHARS = 1024;

  static final int MAX_FORWARDED_HEADER_BYTES = 64 * 1024;

  /** A reason, which may quote the rejected record, is cut to this length. */
  static final int MAX_REASON_CHARS = 1000;

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
    String reason = safeReason(problem.getMessage());
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
    String key = kafka != null && kafka.getKey() != null ? String.valueOf(kafka.getKey()) : null;
    return publisher
        .publish(
            publisher.event(EventType.COMMAND_REJECTED, correlationId, rejected),
            shorten(key, MAX_FORWARDED_KEY_CHARS))
        .chain(
            () ->
                kafka != null && tooLargeToForward(kafka.getRecord())
                    ? forwardCut(message, kafka, safe)
                    : Uni.createFrom().completionStage(message.nack(safe)));
  }

  /**
   * Publishes the dead letter of a record too large to forward whole, then acknowledges the record:
   * the failure strategy never sees it.
   */
  private Uni<Void> forwardCut(
      Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> kafka, InvalidEventException why) {
    byte[] value = message.getPayload() == null ? new byte[0] : message.getPayload();
    var headers = new RecordHeaders();
    header(headers, "dead-letter-exception-class-name", why.getClass().getName());
    header(headers, "dead-letter-reason", why.getMessage());
    header(headers, "dead-letter-topic", kafka.getTopic());
    header(headers, "dead-letter-partition", Integer.toString(kafka.getPartition()));
    header(headers, "dead-letter-offset", Long.toString(kafka.getOffset()));
    header(headers, "dead-letter-truncated", "true");
    header(headers, "dead-letter-original-size", Integer.toString(value.length));
    int headerBytes = 0;
    int dropped = 0;
    for (Header original : kafka.getHeaders()) {
      int size = original.key().length() + (original.value() == null ? 0 : original.value().length);
      if (headerBytes + size <= MAX_FORWARDED_HEADER_BYTES) {
        headers.add(original);
        headerBytes += size;
      } else {
        dropped++;
      }
    }
    if (dropped > 0) {
      header(headers, "dead-letter-headers-dropped", Integer.toString(dropped));
    }
    String key = kafka.getKey() == null ? null : String.valueOf(kafka.getKey());
    var metadata =
        OutgoingKafkaRecordMetadata.<String>builder()
            .withTopic(deadLetterTopic(kafka.getChannel()))
            .withKey(shorten(key, MAX_FORWARDED_KEY_CHARS))
            .withHeaders(headers)
            .build();
    byte[] head = Arrays.copyOf(value, Math.min(value.length, MAX_FORWARDED_BYTES));
    LOG.warnf(
        "record %s-%d@%d of %d bytes is dead-lettered cut to its first %d",
        kafka.getTopic(), kafka.getPartition(), kafka.getOffset(), value.length, head.length);
    return deadLetters
        .sendMessage(Message.of(head).addMetadata(metadata))
        .chain(() -> Uni.createFrom().completionStage(message.ack()));
  }

  private static boolean tooLargeToForward(ConsumerRecord<?, ?> record) {
    long size =
        Math.max(0, record.serializedKeySize()) + (long) Math.max(0, record.serializedValueSize());
    for (Header header : record.headers()) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length);
    }
    return size > MAX_FORWARDED_BYTES;
  }

  /** The channel's dead-letter topic, as its failure strategy would use it. */
  private static String deadLetterTopic(String channel) {
    return ConfigProvider.getConfig()
        .getOptionalValue(
            "mp.messaging.incoming." + channel + ".dead-letter-queue.topic", String.class)
        .orElse(Topics.DEAD_LETTERS);
  }

  private static void header(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A reason fit for a header, an event and a log line, whoever wrote it: control characters
   * escaped (no forged log lines), and at most {@link #MAX_REASON_CHARS} characters, however much
   * of the rejected record it quotes.
   */
  static String safeReason(String reason) {
    String text = String.valueOf(reason);
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REASON_CHARS + 8));
    int i = 0;
    for (; i < text.length() && out.length() < MAX_REASON_CHARS; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    boolean cut = i < text.length() || out.length() > MAX_REASON_CHARS;
    out.setLength(Math.min(out.length(), MAX_REASON_CHARS));
    return cut ? out + "..." : out.toString();
  }

  private static String shorten(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
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
