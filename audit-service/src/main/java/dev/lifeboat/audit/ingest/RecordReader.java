package dev.lifeboat.audit.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lifeboat.audit.AuditConfig;
import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.store.NewEntry;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.events.MigrationReported;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.events.TextLimits;
import dev.lifeboat.common.validation.StrictJson;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Decides what to do with one record of the subscribed topics, and extracts the indexed columns of
 * what is stored.
 *
 * <ul>
 *   <li>{@code lifeboat.events}: any event type of the contract, read as strictly as every consumer
 *       reads; an unreadable record is rejected.
 *   <li>The command topics: only their command type; an unreadable command is skipped, since the
 *       service owning the topic rejects it (one rejection per record, not two).
 *   <li>{@code lifeboat.dlq}: stored as a dead letter with its reason, whatever it holds.
 *   <li>Anywhere: a field named like a credential, or a NUL character (which PostgreSQL's jsonb
 *       cannot hold), gets the record rejected: nothing secret is ever stored.
 * </ul>
 */
@ApplicationScoped
public class RecordReader {
  /** How much of a dead letter that is not JSON is kept, as text. */
  static final int MAX_DEAD_LETTER_TEXT = 16 * 1024;

  private final CloudEventCodec codec;
  private final AuditConfig.TopicNames topics;
  private final ObjectMapper json = StrictJson.apply(new ObjectMapper());

  public RecordReader(CloudEventCodec codec, AuditConfig config) {
    this.codec = codec;
    this.topics = config.topics();
  }

  Intake read(ConsumerRecord<String, byte[]> record) {
    if (record.topic().equals(topics.deadLetters())) {
      return new Intake.Store(deadLetter(record));
    }
    Optional<EventType<?>> commandType = commandTypeOf(record.topic());
    Map<String, String> headers = headers(record);
    CloudEvent<EventData> event;
    try {
      event =
          commandType.isPresent()
              ? decodeCommand(record.value(), headers, commandType.get())
              : codec.decode(record.value(), headers);
    } catch (InvalidEventException e) {
      return commandType.isPresent() ? new Intake.Skip(e.getMessage()) : new Intake.Reject(e);
    }
    boolean binary = headers.containsKey("ce_specversion");
    String payload;
    JsonScan.Findings findings;
    try {
      if (binary) {
        ObjectNode structured = structured(record.value(), headers);
        payload = structured.toString();
        findings = JsonScan.scan(payload.getBytes(StandardCharsets.UTF_8));
      } else {
        payload = new String(record.value(), StandardCharsets.UTF_8);
        findings = JsonScan.scan(record.value());
      }
    } catch (IOException e) {
      return new Intake.Reject(invalid(event, "message could not be read again: " + e));
    }
    if (findings.credentialField().isPresent()) {
      return new Intake.Reject(
          invalid(
              event,
              findings.credentialField().get()
                  + " is named like a credential: Lifeboat events never carry secrets, and the"
                  + " audit log does not store them"));
    }
    if (findings.nul()) {
      return new Intake.Reject(invalid(event, "the event contains a NUL character (\\u0000)"));
    }
    return new Intake.Store(entry(record, event, payload));
  }

  private CloudEvent<EventData> decodeCommand(
      byte[] value, Map<String, String> headers, EventType<?> type) throws InvalidEventException {
    CloudEvent<? extends EventData> command = codec.decode(value, headers, type);
    return new CloudEvent<>(
        command.specversion(),
        command.id(),
        command.source(),
        command.type(),
        command.subject(),
        command.time(),
        command.datacontenttype(),
        command.correlationid(),
        command.data());
  }

  private Optional<EventType<?>> commandTypeOf(String topic) {
    if (topic.equals(topics.backupRequests())) {
      return Optional.of(EventType.BACKUP_REQUESTED);
    }
    if (topic.equals(topics.restoreCommands())) {
      return Optional.of(EventType.RESTORE_CONFIRMED);
    }
    return Optional.empty();
  }

  private static InvalidEventException invalid(CloudEvent<EventData> event, String reason) {
    return new InvalidEventException(reason, event.id(), event.type(), event.subject());
  }

  /** The event in structured mode: as received, or rebuilt from a binary-mode record's headers. */
  private ObjectNode structured(byte[] value, Map<String, String> headers) throws IOException {
    if (!headers.containsKey("ce_specversion")) {
      return (ObjectNode) json.readTree(value);
    }
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    headers.forEach(
        (name, v) -> {
          if (name.startsWith("ce_")) {
            event.put(name.substring(3), v);
          }
        });
    if (headers.containsKey("content-type")) {
      event.put("datacontenttype", headers.get("content-type"));
    }
    event.set("data", json.readTree(value));
    return event;
  }

  private NewEntry entry(
      ConsumerRecord<String, byte[]> record, CloudEvent<EventData> event, String payload) {
    return new NewEntry(
        event.id(),
        Kind.EVENT,
        event.type(),
        event.data().database(),
        event.correlationIdOrId(),
        event.time() != null ? event.time() : recordTime(record),
        actor(event),
        event.source(),
        migrationOf(event.data()),
        backupIdOf(event.data()),
        record.topic(),
        record.partition(),
        record.offset(),
        null,
        payload,
        record.key());
  }

  private static String migrationOf(EventData data) {
    if (data instanceof BackupEvents.Requested r) {
      return r.migration();
    }
    if (data instanceof BackupEvents.Started s) {
      return s.migration();
    }
    if (data instanceof BackupEvents.Completed c) {
      return c.migration();
    }
    if (data instanceof MigrationReported m) {
      return m.migration();
    }
    return null;
  }

  /** The backup an event concerns; for a check, the backup it compared against. */
  private static String backupIdOf(EventData data) {
    if (data instanceof BackupEvents.Requested r) {
      return r.backupId();
    } else if (data instanceof BackupEvents.Started s) {
      return s.backupId();
    } else if (data instanceof BackupEvents.Progress p) {
      return p.backupId();
    } else if (data instanceof BackupEvents.Completed c) {
      return c.backupId();
    } else if (data instanceof BackupEvents.Failed f) {
      return f.backupId();
    } else if (data instanceof BackupEvents.Pruned p) {
      return p.backupId();
    } else if (data instanceof RestoreEvents.Planned p) {
      return p.backupId();
    } else if (data instanceof RestoreEvents.Confirmed c) {
      return c.backupId();
    } else if (data instanceof RestoreEvents.Started s) {
      return s.backupId();
    } else if (data instanceof RestoreEvents.Completed c) {
      return c.backupId();
    } else if (data instanceof RestoreEvents.Failed f) {
      return f.backupId();
    } else if (data instanceof HealthEvents.Checked c) {
      return c.baselineBackupId();
    } else if (data instanceof HealthEvents.BackupVerified v) {
      return v.backupId();
    } else if (data instanceof HealthEvents.BackupVerificationFailed v) {
      return v.backupId();
    } else if (data instanceof MigrationReported m) {
      return m.backupId();
    }
    return null;
  }

  /** Who did it, where the event says. */
  private static String actor(CloudEvent<EventData> event) {
    EventData data = event.data();
    if (data instanceof BackupEvents.Requested r) {
      return r.requestedBy();
    }
    if (data instanceof RestoreEvents.Confirmed c) {
      return c.confirmedBy();
    }
    if (data instanceof RestoreEvents.Cancelled c) {
      return c.cancelledBy();
    }
    if (data instanceof MigrationReported) {
      return event.source();
    }
    return null;
  }

  /**
   * A record of {@code lifeboat.dlq}. Its id is the original record's position, so that the same
   * record dead-lettered twice is stored once. JSON is kept with credential-named fields redacted;
   * anything else as (redacted, shortened) text.
   */
  private NewEntry deadLetter(ConsumerRecord<String, byte[]> record) {
    Map<String, String> headers = headers(record);
    String originalTopic = headers.get("dead-letter-topic");
    String originalPartition = headers.get("dead-letter-partition");
    String originalOffset = headers.get("dead-letter-offset");
    String id =
        originalTopic != null && originalPartition != null && originalOffset != null
            ? "dlq:" + originalTopic + ":" + originalPartition + ":" + originalOffset
            : "dlq:" + record.topic() + ":" + record.partition() + ":" + record.offset();
    JsonNode payload = readable(record.value());
    String correlationId = null;
    if (payload.isObject()) {
      String rejectedId = text(payload, "id");
      if (rejectedId != null && rejectedId.length() <= TextLimits.ID) {
        // The command.rejected event about it correlates with the rejected event's id.
        correlationId = rejectedId;
      }
    }
    String database = DatabaseNames.isValid(record.key()) ? record.key() : null;
    String reason = headers.getOrDefault("dead-letter-reason", "no reason given");
    return new NewEntry(
        id,
        Kind.DEAD_LETTER,
        null,
        database,
        correlationId,
        recordTime(record),
        null,
        null,
        null,
        null,
        record.topic(),
        record.partition(),
        record.offset(),
        CredentialFields.redactText(shorten(reason, 2000)),
        payload.toString(),
        record.key());
  }

  private JsonNode readable(byte[] value) {
    if (value == null || value.length == 0) {
      return TextNode.valueOf("");
    }
    try {
      JsonNode tree = json.readTree(value);
      if (tree != null && !hasNul(tree)) {
        CredentialFields.redact(tree);
        return tree;
      }
    } catch (JsonProcessingException e) {
      // Not JSON: kept as text below.
    } catch (IOException e) {
      // Unreadable: kept as text below.
    }
    String text = new String(value, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
    return TextNode.valueOf(CredentialFields.redactText(shorten(text, MAX_DEAD_LETTER_TEXT)));
  }

  private static boolean hasNul(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue().indexOf('\u0000') >= 0;
    }
    if (node.isObject()) {
      for (var field : node.properties()) {
        if (field.getKey().indexOf('\u0000') >= 0 || hasNul(field.getValue())) {
          return true;
        }
      }
      return false;
    }
    if (node.isArray()) {
      for (JsonNode element : node) {
        if (hasNul(element)) {
          return true;
        }
      }
    }
    return false;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static String shorten(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }

  private static OffsetDateTime recordTime(ConsumerRecord<String, byte[]> record) {
    long millis = record.timestamp() >= 0 ? record.timestamp() : System.currentTimeMillis();
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    for (Header header : record.headers()) {
      if (header.value() != null) {
        headers.put(
            header.key().toLowerCase(Locale.ROOT),
            new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return headers;
  }
}
