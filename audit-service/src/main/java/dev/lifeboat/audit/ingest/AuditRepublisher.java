package dev.lifeboat.audit.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.store.StoredEntry;
import dev.lifeboat.common.events.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Puts each newly stored event on {@code lifeboat.audit}: the event as stored, plus the CloudEvents
 * extension attribute {@code auditseq} and a header of the same name, keyed by database. Dead
 * letters are not CloudEvents and are not republished; the {@code command.rejected} event about
 * each is.
 *
 * <p>A batch goes straight to the channel's Kafka producer (configured as {@code audit-out}), one
 * callback per record and one completion per batch: sending each record as a reactive message cost
 * more CPU than storing it, and the audit log's throughput is bound by CPU.
 */
@ApplicationScoped
public class AuditRepublisher {
  public static final String CHANNEL = "audit-out";
  public static final String AUDITSEQ = "auditseq";
  private static final byte[] CONTENT_TYPE =
      CloudEvent.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

  private final KafkaClientService clients;
  private final String topic;
  private final ObjectMapper json = new ObjectMapper();

  public AuditRepublisher(
      // Wires the channel, so that the connector creates and configures its producer.
      @Channel(CHANNEL) MutinyEmitter<byte[]> channel,
      KafkaClientService clients,
      @ConfigProperty(name = "mp.messaging.outgoing." + CHANNEL + ".topic") String topic) {
    this.clients = clients;
    this.topic = topic;
  }

  /** Completes when the broker has every one of them, in order. */
  public Uni<Void> publish(List<StoredEntry> entries) {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>(entries.size());
    for (StoredEntry entry : entries) {
      if (entry.kind() == Kind.EVENT) {
        records.add(record(entry));
      }
    }
    if (records.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    KafkaProducer<String, byte[]> producer = clients.getProducer(CHANNEL);
    return producer
        .runOnSendingThread(
            kafka -> {
              CompletableFuture<Void> all = new CompletableFuture<>();
              AtomicInteger left = new AtomicInteger(records.size());
              for (ProducerRecord<String, byte[]> record : records) {
                kafka.send(
                    record,
                    (metadata, error) -> {
                      if (error != null) {
                        all.completeExceptionally(error);
                      } else if (left.decrementAndGet() == 0) {
                        all.complete(null);
                      }
                    });
              }
              return all;
            })
        .chain(all -> Uni.createFrom().completionStage(all));
  }

  private ProducerRecord<String, byte[]> record(StoredEntry entry) {
    var headers =
        new RecordHeaders()
            .add("content-type", CONTENT_TYPE)
            .add(AUDITSEQ, Long.toString(entry.auditseq()).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        topic, null, entry.key(), withAuditseq(entry).getBytes(StandardCharsets.UTF_8), headers);
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
