package dev.lifeboat.cli.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.output.Units;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One audit event (a CloudEvent) as one line: time, short type, database, what it concerns. */
final class EventLine {
  private static final String PREFIX = "dev.lifeboat.";
  private static final String[] IDS = {"backupId", "restoreId", "checkId", "verificationId"};
  private static final String[] FIELDS = {
    "status",
    "mode",
    "step",
    "migration",
    "reason",
    "failureReason",
    "requestedBy",
    "confirmedBy",
    "findings"
  };
  private static final String[] BYTE_FIELDS = {"sizeBytes", "bytesDumped", "bytesStored"};

  private EventLine() {}

  /** {@code backup.completed} for {@code dev.lifeboat.backup.completed}. */
  static String shortType(String type) {
    return type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : type;
  }

  /** The full type for what a user typed: {@code backup.completed} or the full name. */
  static String fullType(String typed) {
    return typed.startsWith("dev.") ? typed : PREFIX + typed;
  }

  /**
   * The CloudEvent inside an audit log entry ({@code {auditseq, type, database, ..., event}}), or
   * the entry itself when it is a bare CloudEvent.
   */
  static JsonNode cloudEvent(JsonNode entry) {
    return entry.path("event").isObject() ? entry.path("event") : entry;
  }

  static String type(JsonNode entry) {
    String type = text(entry, "type");
    return type != null ? type : text(cloudEvent(entry), "type");
  }

  static String database(JsonNode entry) {
    String database = text(entry, "database");
    if (database != null) {
      return database;
    }
    JsonNode event = cloudEvent(entry);
    String subject = text(event, "subject");
    return subject != null ? subject : event.path("data").path("database").asText("-");
  }

  static String correlationId(JsonNode entry) {
    String id = text(entry, "correlationId");
    return id != null ? id : text(cloudEvent(entry), "correlationid");
  }

  /** What identifies an entry in the log: its auditseq, else the event's id. */
  static String key(JsonNode entry) {
    String seq = text(entry, "auditseq");
    return seq != null ? seq : text(cloudEvent(entry), "id");
  }

  static String format(JsonNode entry) {
    JsonNode event = cloudEvent(entry);
    String when = text(entry, "time");
    Instant time = Units.instant(when != null ? when : text(event, "time"));
    boolean deadLetter = "DEAD_LETTER".equals(text(entry, "kind"));
    String type = type(entry);
    return String.format(
        "%-20s  %-28s  %-14s  %s",
        time == null ? "-" : Units.time(time),
        deadLetter ? "dead-letter" : shortType(type == null ? "?" : type),
        database(entry),
        deadLetter
            ? "reason=\"" + entry.path("reason").asText("?") + '"'
            : summary(event.path("data")) + via(entry));
  }

  /** Commands (on their own topics) are logged too; say so, beside the events they cause. */
  private static String via(JsonNode entry) {
    String topic = text(entry, "sourceTopic");
    return topic == null || topic.equals("lifeboat.events") ? "" : " topic=" + topic;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isValueNode() && !value.isNull() ? value.asText() : null;
  }

  static String summary(JsonNode data) {
    List<String> parts = new ArrayList<>();
    for (String id : IDS) {
      if (data.path(id).isTextual()) {
        parts.add(data.path(id).asText());
      }
    }
    for (String field : FIELDS) {
      JsonNode value = data.path(field);
      if (value.isValueNode() && !value.isNull()) {
        String text = value.asText();
        parts.add(field + "=" + (text.contains(" ") ? '"' + text + '"' : text));
      }
    }
    for (String field : BYTE_FIELDS) {
      if (data.path(field).isNumber()) {
        parts.add(
            field.replace("Bytes", "").replace("bytes", "").toLowerCase(java.util.Locale.ROOT)
                + "="
                + Units.bytes(data.path(field).asLong()));
      }
    }
    if (data.path("bytesPerSecond").isNumber()) {
      parts.add("rate=" + Units.rate(data.path("bytesPerSecond").asLong()));
    }
    return String.join(" ", parts);
  }
}
