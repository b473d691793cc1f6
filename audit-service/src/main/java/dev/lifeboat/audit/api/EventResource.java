package dev.lifeboat.audit.api;

import dev.lifeboat.audit.AuditConfig;
import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.EventQuery;
import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.stream.EventTail;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.events.TextLimits;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/v1/events}: the audit log, queried page by page or followed live. */
@Path("/api/v1/events")
public class EventResource {
  static final String CURSOR = "[0-9]{1,18}";
  private static final int DEFAULT_LIMIT = 100;

  private final AuditRepository repository;
  private final EventTail tail;
  private final AuditConfig config;

  public EventResource(AuditRepository repository, EventTail tail, AuditConfig config) {
    this.repository = repository;
    this.tail = tail;
    this.config = config;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "Stored events, oldest first",
      description =
          "Filters combine with AND. Pass nextCursor back as cursor for the next page; the order"
              + " (auditseq) is stable, so paging never skips or repeats an event.")
  @APIResponse(
      responseCode = "200",
      description = "A page of events",
      content = @Content(schema = @Schema(implementation = EventView.Page.class)))
  public Uni<EventView.Page> list(
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("type") @Size(max = 256) String type,
      @QueryParam("correlationId") @Size(max = TextLimits.ID) String correlationId,
      @Parameter(description = "RFC 3339; events whose time is at or after it") @QueryParam("since")
          String since,
      @Parameter(description = "RFC 3339; events whose time is before it") @QueryParam("until")
          String until,
      @Parameter(description = "EVENT or DEAD_LETTER")
          @QueryParam("kind")
          @Pattern(regexp = "EVENT|DEAD_LETTER")
          String kind,
      @QueryParam("limit") @Min(1) @Max(1000) Integer limit,
      @Parameter(description = "nextCursor of the previous page")
          @QueryParam("cursor")
          @Pattern(regexp = CURSOR)
          String cursor) {
    int max = limit == null ? DEFAULT_LIMIT : limit;
    EventQuery query =
        filters(database, type, correlationId, since, until, kind)
            .withAfter(cursor == null ? 0 : Long.parseLong(cursor))
            .withLimit(max);
    return repository
        .find(query)
        .map(
            events ->
                new EventView.Page(
                    events.stream().map(EventView::of).toList(),
                    events.size() == max
                        ? Long.toString(events.get(events.size() - 1).auditseq())
                        : null));
  }

  @GET
  @Path("/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "New events as they are stored (Server-Sent Events)",
      description =
          "Each SSE event's id is the auditseq and its data the same JSON as in GET /api/v1/events."
              + " Reconnect with the Last-Event-ID header (browsers do it themselves) to get every"
              + " event after it, without gaps or repeats, then the live ones. EventSource cannot"
              + " send headers: it passes ?ticket= from POST /api/v1/events/stream-tickets instead.")
  public Multi<OutboundSseEvent> stream(
      @Context Sse sse,
      @HeaderParam("Last-Event-ID") @Pattern(regexp = CURSOR) String lastEventId,
      @Parameter(description = "Like Last-Event-ID, for a first connection")
          @QueryParam("after")
          @Pattern(regexp = CURSOR)
          String after,
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("type") @Size(max = 256) String type,
      @QueryParam("correlationId") @Size(max = TextLimits.ID) String correlationId,
      @QueryParam("kind") @Pattern(regexp = "EVENT|DEAD_LETTER") String kind) {
    String from = lastEventId != null ? lastEventId : after;
    EventQuery filters = filters(database, type, correlationId, null, null, kind);
    Multi<OutboundSseEvent> events =
        tail.follow(from == null ? null : Long.parseLong(from), filters)
            .map(
                e ->
                    sse.newEventBuilder()
                        .id(Long.toString(e.auditseq()))
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(EventView.class, EventView.of(e))
                        .build());
    Multi<OutboundSseEvent> heartbeats =
        Multi.createFrom()
            .ticks()
            .every(config.stream().heartbeat())
            .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
    return Multi.createBy().merging().streams(events, heartbeats);
  }

  private static EventQuery filters(
      String database, String type, String correlationId, String since, String until, String kind) {
    return new EventQuery(
        0,
        Optional.ofNullable(database),
        Optional.ofNullable(type),
        Optional.ofNullable(correlationId),
        Optional.ofNullable(time("since", since)),
        Optional.ofNullable(time("until", until)),
        Optional.ofNullable(kind).map(Kind::valueOf),
        DEFAULT_LIMIT);
  }

  private static OffsetDateTime time(String name, String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadRequestException(
          name + " must be an RFC 3339 timestamp such as 2026-01-02T14:30:22Z");
    }
  }
}
