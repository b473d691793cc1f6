package dev.lifeboat.common.messaging;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** How Lifeboat puts a CloudEvent on Kafka: structured mode, keyed by database. */
public final class CloudEventRecords {
  private CloudEventRecords() {}

  public static Message<byte[]> message(CloudEventCodec codec, CloudEvent<?> event, String key) {
    return Message.of(codec.encode(event)).addMetadata(metadata(key).build());
  }

  /**
   * An event already encoded in structured mode (as the outbox stores it), for {@code topic}
   * whatever topic the channel it is sent through is bound to.
   */
  public static Message<byte[]> message(byte[] structuredEvent, String topic, String key) {
    return Message.of(structuredEvent).addMetadata(metadata(key).withTopic(topic).build());
  }

  private static OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata(
      String key) {
    var headers =
        new RecordHeaders()
            .add(
                "content-type",
                CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
    return OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers);
  }
}
