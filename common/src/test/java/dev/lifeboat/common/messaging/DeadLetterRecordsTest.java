package dev.lifeboat.common.messaging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.common.events.InvalidEventException;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

class DeadLetterRecordsTest {
  private static final InvalidEventException WHY = new InvalidEventException("message is not JSON");

  private static ConsumerRecord<String, byte[]> record(String key, byte[] value, RecordHeaders h) {
    return new ConsumerRecord<>(
        "lifeboat.backup.requests",
        0,
        42,
        0L,
        TimestampType.CREATE_TIME,
        key == null ? -1 : key.getBytes(UTF_8).length,
        value == null ? -1 : value.length,
        key,
        value,
        h,
        Optional.empty());
  }

  private static OutgoingKafkaRecordMetadata<?> metadata(Message<byte[]> letter) {
    return letter.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
  }

  private static String header(Message<byte[]> letter, String name) {
    var header = metadata(letter).getHeaders().lastHeader(name);
    return header == null ? null : new String(header.value(), UTF_8);
  }

  @Test
  void aSmallRecordIsForwardedWholeWithoutDeadLetterHeadersOfItsOwn() {
    var headers = new RecordHeaders();
    headers.add(new RecordHeader("dead-letter-reason", "forged".getBytes(UTF_8)));
    headers.add(new RecordHeader("Dead-Letter-Offset", "7".getBytes(UTF_8)));
    headers.add(new RecordHeader("content-type", "application/json".getBytes(UTF_8)));
    assertTrue(DeadLetterRecords.carriesDeadLetterHeaders(record("app", null, headers)));
    byte[] value = "{oops".getBytes(UTF_8);

    var letter = DeadLetterRecords.deadLetter(record("app", value, headers), value, WHY, null);

    assertArrayEquals(value, letter.getPayload());
    assertEquals("app", metadata(letter).getKey());
    assertNull(metadata(letter).getTopic(), "the channel's own topic");
    assertEquals("message is not JSON", header(letter, "dead-letter-reason"));
    assertEquals("lifeboat.backup.requests", header(letter, "dead-letter-topic"));
    assertEquals("42", header(letter, "dead-letter-offset"));
    assertNull(header(letter, "dead-letter-truncated"));
    assertEquals("application/json", header(letter, "content-type"));
    assertNull(header(letter, "Dead-Letter-Offset"), "the forged headers are dropped");
    assertEquals(1, countOf(letter, "dead-letter-reason"));
    assertEquals("2", header(letter, "dead-letter-headers-dropped"));
  }

  private static int countOf(Message<byte[]> letter, String name) {
    int n = 0;
    for (var ignored : metadata(letter).getHeaders().headers(name)) {
      n++;
    }
    return n;
  }

  @Test
  void aHugeRecordIsCutAndSaysSo() {
    byte[] value = new byte[10 * 1024 * 1024];
    Arrays.fill(value, (byte) '[');
    var headers = new RecordHeaders();
    headers.add(new RecordHeader("small", "kept".getBytes(UTF_8)));
    headers.add(new RecordHeader("padding", new byte[100 * 1024]));
    String key = "k".repeat(5000);

    var letter =
        DeadLetterRecords.deadLetter(record(key, value, headers), value, WHY, "lifeboat.dlq");

    assertEquals(DeadLetterRecords.MAX_FORWARDED_BYTES, letter.getPayload().length);
    assertEquals("lifeboat.dlq", metadata(letter).getTopic());
    assertEquals(1024, String.valueOf(metadata(letter).getKey()).length());
    assertEquals("true", header(letter, "dead-letter-truncated"));
    assertEquals(String.valueOf(value.length), header(letter, "dead-letter-original-size"));
    assertEquals("kept", header(letter, "small"));
    assertEquals("1", header(letter, "dead-letter-headers-dropped"));
    assertEquals("message is not JSON", header(letter, "dead-letter-reason"));
  }

  @Test
  void aReasonIsKeptAsItIsWhenShortAndPlain() {
    assertEquals(
        "unknown database \"shop\": not configured",
        DeadLetterRecords.safeReason("unknown database \"shop\": not configured"));
  }

  @Test
  void aReasonQuotingALongValueWithALineBreakIsCutAndEscaped() {
    String reason =
        DeadLetterRecords.safeReason("unknown restore rs_\nforged " + "x".repeat(100_000));

    assertTrue(reason.startsWith("unknown restore rs_\\u000aforged xxx"), reason);
    assertFalse(reason.contains("\n"));
    assertEquals(DeadLetterRecords.MAX_REASON_CHARS + 3, reason.length());
    assertTrue(reason.endsWith("..."));
  }
}
