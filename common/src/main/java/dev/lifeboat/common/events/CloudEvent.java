package dev.lifeboat.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A CloudEvents 1.0 event as Lifeboat sends and receives it: the contract's attributes, the {@code
 * correlationid} extension, and typed {@code data}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent<T extends EventData>(
    String specversion,
    String id,
    String source,
    String type,
    String subject,
    OffsetDateTime time,
    String datacontenttype,
    String correlationid,
    T data) {

  public static final String SPEC_VERSION = "1.0";
  public static final String DATA_CONTENT_TYPE = "application/json";

  /** The media type of a structured-mode CloudEvent, for the Kafka {@code content-type} header. */
  public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";

  /**
   * A new event with a fresh id. Without a correlation id (the first event of a new piece of work)
   * the event correlates with itself.
   */
  public static <T extends EventData> CloudEvent<T> create(
      EventType<T> type, String source, String correlationId, T data) {
    String id = UUID.randomUUID().toString();
    return new CloudEvent<>(
        SPEC_VERSION,
        id,
        source,
        type.name(),
        data.database(),
        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS),
        DATA_CONTENT_TYPE,
        correlationId == null ? id : correlationId,
        data);
  }

  /**
   * The same event under another id: for an event that may be published more than once (after a
   * crash) and must reach consumers, who dedupe by {@code id}, as one. See {@link #onceId}.
   */
  public CloudEvent<T> withId(String newId) {
    return new CloudEvent<>(
        specversion, newId, source, type, subject, time, datacontenttype, correlationid, data);
  }

  /**
   * A deterministic event id for the one event of {@code type} about {@code key} (a backup or
   * restore id): a name-based UUID of {@code "<type>/<key>"}. Terminal events ({@code
   * backup.completed}, {@code restore.failed}, ...) use it so that re-publishing one after a crash
   * yields the same id.
   */
  public static String onceId(EventType<?> type, String key) {
    return UUID.nameUUIDFromBytes((type.name() + "/" + key).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** A command without a {@code correlationid} correlates with its own {@code id}. */
  public String correlationIdOrId() {
    return correlationid == null || correlationid.isBlank() ? id : correlationid;
  }
}
