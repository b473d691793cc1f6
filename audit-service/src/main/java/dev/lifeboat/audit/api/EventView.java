package dev.lifeboat.audit.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.lifeboat.audit.store.StoredEntry;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A stored event as the API shows it: its position in the log ({@code auditseq}), where it came
 * from, the indexed columns, and the event itself as received. For a dead letter, {@code event}
 * holds what could be read of the message (JSON with credential-named fields redacted, or text) and
 * {@code reason} why it was dead-lettered.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventView(
    long auditseq,
    String kind,
    String type,
    String database,
    String correlationId,
    OffsetDateTime time,
    OffsetDateTime storedAt,
    String actor,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    String reason,
    @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)
        @JsonRawValue
        String event) {

  public static EventView of(StoredEntry e) {
    return new EventView(
        e.auditseq(),
        e.kind().name(),
        e.type(),
        e.database(),
        e.correlationId(),
        e.time(),
        e.storedAt(),
        e.actor(),
        e.topic(),
        e.partition(),
        e.offset(),
        e.reason(),
        e.payload());
  }

  /** A page of the log; {@code nextCursor} is null when the page is the last one for now. */
  public record Page(List<EventView> events, String nextCursor) {}
}
