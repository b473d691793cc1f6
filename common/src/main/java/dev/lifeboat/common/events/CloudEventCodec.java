package dev.lifeboat.common.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.databases.Quoting;
import dev.lifeboat.common.validation.StrictJson;
import dev.lifeboat.common.validation.Violations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and writes Lifeboat's CloudEvents. Reading is strict, because commands come from outside:
 * every attribute is checked, {@code data} must match its type's record exactly in kind (no string
 * for a number, no number for a string) and pass bean validation. Unknown extra fields are allowed,
 * as CloudEvents extensions and newer producers may add them.
 *
 * <p>Structured mode (the whole event as JSON) and binary mode ({@code ce_*} headers, the value
 * being {@code data}) are both read; events are always written in structured mode.
 */
@ApplicationScoped
public class CloudEventCodec {
  private static final int MAX_REASON = 400;
  private final ObjectMapper mapper;
  private final Validator validator;

  public CloudEventCodec(Validator validator) {
    this.mapper = strictMapper();
    this.validator = validator;
  }

  static ObjectMapper strictMapper() {
    ObjectMapper mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();
    return StrictJson.apply(mapper);
  }

  /** The event as structured-mode JSON. */
  public byte[] encode(CloudEvent<?> event) {
    try {
      return mapper.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + event.type(), e);
    }
  }

  /** Reads an event that must be of the expected type (as a topic's commands must be). */
  public <T extends EventData> CloudEvent<T> decode(
      byte[] value, Map<String, String> headers, EventType<T> expected)
      throws InvalidEventException {
    CloudEvent<EventData> event = decodeChecked(value, headers, expected.name());
    return new CloudEvent<>(
        event.specversion(),
        event.id(),
        event.source(),
        event.type(),
        event.subject(),
        event.time(),
        event.datacontenttype(),
        event.correlationid(),
        expected.dataClass().cast(event.data()));
  }

  /** Reads an event of any type of the contract. */
  public CloudEvent<EventData> decode(byte[] value, Map<String, String> headers)
      throws InvalidEventException {
    return decodeChecked(value, headers, null);
  }

  private CloudEvent<EventData> decodeChecked(
      byte[] value, Map<String, String> headers, String expectedType) throws InvalidEventException {
    if (value == null || value.length == 0) {
      throw new InvalidEventException("empty message");
    }
    if (value.length > TextLimits.EVENT_BYTES) {
      throw new InvalidEventException(
          "message of "
              + value.length
              + " bytes exceeds the limit of "
              + TextLimits.EVENT_BYTES
              + " bytes");
    }
    return headers.containsKey("ce_specversion")
        ? decodeBinary(value, headers, expectedType)
        : decodeStructured(value, expectedType);
  }

  private CloudEvent<EventData> decodeStructured(byte[] value, String expectedType)
      throws InvalidEventException {
    JsonNode root = parse(value, "message");
    if (!root.isObject()) {
      throw new InvalidEventException("message is not a JSON object");
    }
    if (root.has("data_base64")) {
      throw new InvalidEventException("data_base64 is not supported: data must be a JSON object");
    }
    Attributes attributes =
        new Attributes(
            text(root, "specversion"),
            text(root, "id"),
            text(root, "source"),
            text(root, "type"),
            text(root, "subject"),
            text(root, "time"),
            text(root, "datacontenttype"),
            text(root, "correlationid"));
    return build(attributes, root.get("data"), expectedType);
  }

  private CloudEvent<EventData> decodeBinary(
      byte[] value, Map<String, String> headers, String expectedType) throws InvalidEventException {
    Attributes attributes =
        new Attributes(
            headers.get("ce_specversion"),
            headers.get("ce_id"),
            headers.get("ce_source"),
            headers.get("ce_type"),
            headers.get("ce_subject"),
            headers.get("ce_time"),
            headers.get("content-type"),
            headers.get("ce_correlationid"));
    return build(attributes, parse(value, "data"), expectedType);
  }

  private CloudEvent<EventData> build(Attributes a, JsonNode data, String expectedType)
      throws InvalidEventException {
    if (!CloudEvent.SPEC_VERSION.equals(a.specversion)) {
      throw a.invalid("specversion must be \"1.0\", not " + Quoting.forMessage(a.specversion));
    }
    if (a.id == null || a.id.isBlank()) {
      throw a.invalid("id is missing");
    }
    if (a.id.length() > TextLimits.ID) {
      throw a.invalid("id is longer than " + TextLimits.ID + " characters");
    }
    if (a.correlationid != null && a.correlationid.length() > TextLimits.ID) {
      throw a.invalid("correlationid is longer than " + TextLimits.ID + " characters");
    }
    if (a.source == null || a.source.isBlank()) {
      throw a.invalid("source is missing");
    }
    if (a.source.length() > TextLimits.SOURCE) {
      throw a.invalid("source is longer than " + TextLimits.SOURCE + " characters");
    }
    if (a.type == null) {
      throw a.invalid("type is missing");
    }
    EventType<?> type =
        EventType.byName(a.type)
            .orElseThrow(() -> a.invalid("unknown event type " + Quoting.forMessage(a.type)));
    if (expectedType != null && !expectedType.equals(a.type)) {
      throw a.invalid(
          "unexpected event type " + Quoting.forMessage(a.type) + ": expected " + expectedType);
    }
    if (a.subject != null && !DatabaseNames.isValid(a.subject)) {
      throw a.invalid(
          "subject must be a database name matching "
              + DatabaseNames.REGEX
              + ", not "
              + Quoting.forMessage(a.subject));
    }
    OffsetDateTime time = null;
    if (a.time != null) {
      try {
        time = OffsetDateTime.parse(a.time);
      } catch (DateTimeParseException e) {
        throw a.invalid("time is not an RFC 3339 timestamp: " + Quoting.forMessage(a.time));
      }
    }
    if (a.datacontenttype != null && !a.datacontenttype.startsWith(CloudEvent.DATA_CONTENT_TYPE)) {
      throw a.invalid(
          "datacontenttype must be application/json, not " + Quoting.forMessage(a.datacontenttype));
    }
    if (data == null || !data.isObject()) {
      throw a.invalid("data must be a JSON object");
    }
    EventData typed = convert(a, data, type);
    if (a.subject != null && !a.subject.equals(typed.database())) {
      throw a.invalid(
          "subject "
              + Quoting.forMessage(a.subject)
              + " does not match data.database "
              + Quoting.forMessage(typed.database()));
    }
    return new CloudEvent<>(
        a.specversion,
        a.id,
        a.source,
        a.type,
        typed.database(),
        time,
        a.datacontenttype,
        a.correlationid,
        typed);
  }

  private EventData convert(Attributes a, JsonNode data, EventType<?> type)
      throws InvalidEventException {
    EventData typed;
    try {
      typed = mapper.treeToValue(data, type.dataClass());
    } catch (MismatchedInputException e) {
      throw a.invalid("data" + path(e) + ": " + shorten(e.getOriginalMessage()));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw a.invalid("data does not match " + type.name() + ": " + shorten(messageOf(e)));
    }
    var violations = validator.validate(typed);
    if (!violations.isEmpty()) {
      throw a.invalid(
          violations.stream()
              .map(v -> "data." + Violations.field(v) + " " + v.getMessage())
              .sorted()
              .collect(Collectors.joining("; ")));
    }
    return typed;
  }

  private JsonNode parse(byte[] value, String what) throws InvalidEventException {
    try {
      return mapper.readTree(value);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          what + " is not valid JSON: " + shorten(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new InvalidEventException(what + " could not be read: " + shorten(e.getMessage()));
    }
  }

  private static String text(JsonNode root, String attribute) throws InvalidEventException {
    JsonNode node = root.get(attribute);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidEventException(attribute + " must be a string");
    }
    return node.textValue();
  }

  private static String path(MismatchedInputException e) {
    return e.getPath().stream()
        .map(
            ref ->
                ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining());
  }

  private static String messageOf(Exception e) {
    return e instanceof JsonProcessingException jpe
        ? jpe.getOriginalMessage()
        : String.valueOf(e.getMessage());
  }

  private static String shorten(String message) {
    String oneLine = String.valueOf(message).replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "...";
  }

  /** The attributes as received, before they are trusted. */
  private record Attributes(
      String specversion,
      String id,
      String source,
      String type,
      String subject,
      String time,
      String datacontenttype,
      String correlationid) {

    /** A rejection that keeps whatever identifies the event, for the rejection record. */
    InvalidEventException invalid(String reason) {
      String safeId = id != null && id.length() <= TextLimits.ID ? id : null;
      String safeType = type != null && EventType.byName(type).isPresent() ? type : null;
      String safeDatabase = DatabaseNames.isValid(subject) ? subject : null;
      return new InvalidEventException(reason, safeId, safeType, safeDatabase);
    }
  }
}
