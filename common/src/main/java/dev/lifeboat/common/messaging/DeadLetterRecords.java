package dev.lifeboat.common.messaging;

import dev.lifeboat.common.events.TextLimits;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * How Lifeboat writes the dead letter of a record it could not read: the same key, value and
 * headers, then the {@code dead-letter-*} headers SmallRye's dead-letter queue writes. A record too
 * large to forward whole (more than {@link #MAX_FORWARDED_BYTES} of key, value and headers: a topic
 * may take 10 MB, a producer sends 1 MB by default and the dead-letter topic may take less) is cut:
 * the value's first bytes, the key's first characters, the headers that fit, and {@code
 * dead-letter-truncated: true} and {@code dead-letter-original-size} saying so.
 *
 * <p>The original's own {@code dead-letter-*} headers are dropped: a record may not name its own
 * reason, or the topic and offset of another record (audit-service files a dead letter under them,
 * once).
 */
public final class DeadLetterRecords {
  /** A record up to this size (key, value and headers) is forwarded whole. */
  public static final int MAX_FORWARDED_BYTES = TextLimits.EVENT_BYTES;

  /** Of a larger one: its key up to this many characters, headers up to this size. */
  static final int MAX_FORWARDED_KEY_CHARS = 1024;

  static final int MAX_FORWARDED_HEADER_BYTES = 64 * 1024;

  /** A reason, which may quote the rejected record, is cut to this length. */
  static final int MAX_REASON_CHARS = 1000;

  private DeadLetterRecords() {}

  /** Whether the record's key, value and headers together exceed {@link #MAX_FORWARDED_BYTES}. */
  public static boolean tooLargeToForward(ConsumerRecord<?, ?> record) {
    long size =
        Math.max(0, record.serializedKeySize()) + (long) Math.max(0, record.serializedValueSize());
    for (Header header : record.headers()) {
      size += header.key().length() + (header.value() == null ? 0 : header.value().length);
    }
    return size > MAX_FORWARDED_BYTES;
  }

  /**
   * Whether the record carries {@code dead-letter-*} headers of its own, which a dead letter
   * forwarded as it is would pass on beside (SmallRye's: after) the real ones.
   */
  public static boolean carriesDeadLetterHeaders(ConsumerRecord<?, ?> record) {
    for (Header header : record.headers()) {
      if (isDeadLetterHeader(header)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDeadLetterHeader(Header header) {
    return header.key().toLowerCase(Locale.ROOT).startsWith("dead-letter-");
  }

  /**
   * The dead letter of {@code record}, whose value is {@code value}, refused for {@code reason}
   * (already {@link #safeReason safe}); for {@code topic}, or for the channel's own topic when
   * null. Whole when it fits, cut when it does not.
   */
  public static Message<byte[]> deadLetter(
      ConsumerRecord<?, ?> record, byte[] value, Exception reason, String topic) {
    boolean cut = tooLargeToForward(record);
    var headers = new RecordHeaders();
    int headerBytes = 0;
    int dropped = 0;
    for (Header original : record.headers()) {
      int size = original.key().length() + (original.value() == null ? 0 : original.value().length);
      if (isDeadLetterHeader(original)) {
        dropped++;
      } else if (!cut || headerBytes + size <= MAX_FORWARDED_HEADER_BYTES) {
        headers.add(original);
        headerBytes += size;
      } else {
        dropped++;
      }
    }
    // After the original's own: a reader taking the last header of a name gets these.
    header(headers, "dead-letter-exception-class-name", reason.getClass().getName());
    header(headers, "dead-letter-reason", String.valueOf(reason.getMessage()));
    header(headers, "dead-letter-topic", record.topic());
    header(headers, "dead-letter-partition", Integer.toString(record.partition()));
    header(headers, "dead-letter-offset", Long.toString(record.offset()));
    String key = record.key() == null ? null : String.valueOf(record.key());
    byte[] body = value == null ? new byte[0] : value;
    if (dropped > 0) {
      header(headers, "dead-letter-headers-dropped", Integer.toString(dropped));
    }
    if (cut) {
      int size = body.length;
      header(headers, "dead-letter-truncated", "true");
      header(headers, "dead-letter-original-size", Integer.toString(size));
      key = shorten(key, MAX_FORWARDED_KEY_CHARS);
      body = Arrays.copyOf(body, Math.min(size, MAX_FORWARDED_BYTES));
    }
    var metadata = OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers);
    if (topic != null) {
      metadata = metadata.withTopic(topic);
    }
    return Message.of(body).addMetadata(metadata.build());
  }

  /**
   * A reason fit for a header, an event and a log line, whoever wrote it: control characters
   * escaped (no forged log lines), and at most {@link #MAX_REASON_CHARS} characters, however much
   * of the rejected record it quotes.
   */
  public static String safeReason(String reason) {
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

  /** A key for a record that is about another: at most {@link #MAX_FORWARDED_KEY_CHARS}. */
  public static String shortKey(Object key) {
    return key == null ? null : shorten(String.valueOf(key), MAX_FORWARDED_KEY_CHARS);
  }

  private static String shorten(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  private static void header(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
