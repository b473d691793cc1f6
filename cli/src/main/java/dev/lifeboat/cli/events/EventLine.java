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

  static String database(JsonNode event) {
    String subject = event.path("subject").asText(null);
    return subject != null ? subject : event.path("data").path("database").asText("-");
  }

  static String format(JsonNode event) {
    Instant time = Units.instant(event.path("time").asText(null));
    return String.format(
        "%-20s  %-28s  %-14s  %s",
        time == null ? "-" : Units.time(time),
        shortType(event.path("type").asText("?")),
        database(event),
        summary(event.path("data")));
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
