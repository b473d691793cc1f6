package dev.lifeboat.audit.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.store.StoredEntry;
import dev.lifeboat.common.events.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Puts each newly stored event on {@code lifeboat.audit}: the event as stored, plus the CloudEvents
 * extension attribute {@code auditseq} and a header of the same name, keyed by database. Dead
 * letters are not CloudEvents and are not republished; the {@code command.rejected} event about
 * each is.
 */
@ApplicationScoped
public class AuditRepublisher {
  public static final String CHANNEL = "audit-out";
  public static final String AUDITSEQ = "auditseq";

  private final MutinyEmitter<byte[]> emitter;
  private final ObjectMapper json = new ObjectMapper();

  public AuditRepublisher(
      @Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
          MutinyEmitter<byte[]> emitter) {
    this.emitter = emitter;
  }

  /** Completes when the broker has every one of them. */
  public Uni<Void> publish(List<StoredEntry> entries) {
    List<Uni<Void>> sent = new ArrayList<>(entries.size());
    for (StoredEntry entry : entries) {
      if (entry.kind() == Kind.EVENT) {
        sent.add(emitter.sendMessage(message(entry)));
      }
    }
    return sent.isEmpty()
        ? Uni.createFrom().voidItem()
        : Uni.join().all(sent).andFailFast().replaceWithVoid();
  }

  private Message<byte[]> message(StoredEntry entry) {
    var headers =
        new RecordHeaders()
            .add(
                "content-type", CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8))
            .add(AUDITSEQ, Long.toString(entry.auditseq()).getBytes(StandardCharsets.UTF_8));
    var metadata =
        OutgoingKafkaRecordMetadata.<String>builder()
            .withKey(entry.key())
            .withHeaders(headers)
            .build();
    return Message.of(withAuditseq(entry).getBytes(StandardCharsets.UTF_8)).addMetadata(metadata);
  }

  /** The stored event with {@code "auditseq": n} as its first attribute. */
  String withAuditseq(StoredEntry entry) {
    String payload = entry.payload();
    if (!payload.contains("\"" + AUDITSEQ + "\"")) {
      int brace = payload.indexOf('{');
      return payload.substring(0, brace + 1)
          + "\""
          + AUDITSEQ
          + "\":"
          + entry.auditseq()
          + ","
          + payload.substring(brace + 1);
    }
    try {
      ObjectNode event = (ObjectNode) json.readTree(payload);
      event.put(AUDITSEQ, entry.auditseq());
      return json.writeValueAsString(event);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
