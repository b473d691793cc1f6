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
    var headers =
        new RecordHeaders()
            .add(
                "content-type",
                CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
    var metadata =
        OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build();
    return Message.of(codec.encode(event)).addMetadata(metadata);
  }
}
