package dev.lifeboat.health.api;

import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.MigrationReported;
import dev.lifeboat.health.migrations.MigrationFacts;
import io.smallrye.mutiny.TimeoutException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * {@code /api/v1/migration-facts}: a pipeline without a Kafka client reports {@code
 * migration.started|applied|failed} here; the fact goes to {@code lifeboat.events} exactly as the
 * pipeline would have published it, and an applied migration is then checked as any other.
 */
@Path("/api/v1/migration-facts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MigrationFactResource {
  private final MigrationFacts facts;

  public MigrationFactResource(MigrationFacts facts) {
    this.facts = facts;
  }

  /** What was published: the event's id, type and correlation id. */
  public record Reported(
      String eventId,
      String type,
      String correlationId,
      String database,
      String migration,
      String backupId) {
    static Reported of(CloudEvent<MigrationReported> event) {
      return new Reported(
          event.id(),
          event.type(),
          event.correlationid(),
          event.data().database(),
          event.data().migration(),
          event.data().backupId());
    }
  }

  @POST
  @RolesAllowed(Roles.PIPELINE)
  @Operation(
      summary = "Report a migration started, applied or failed",
      description =
          "Publishes dev.lifeboat.migration.<fact> to lifeboat.events, as a pipeline would on"
              + " Kafka. After 'applied', health-service checks the database against backupId"
              + " (default: the newest backup); the check's dev.lifeboat.health.checked event"
              + " carries the returned correlationId. With Idempotency-Key, a retried report is"
              + " the same event.")
  @APIResponse(
      responseCode = "202",
      description = "Published",
      content = @Content(schema = @Schema(implementation = Reported.class)))
  @APIResponse(
      responseCode = "503",
      description = "The broker did not take the event in time; nothing was reported",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response report(
      @Valid @NotNull MigrationFactBody body,
      @RestHeader("Idempotency-Key") @Size(min = 1, max = 256) @Pattern(regexp = "[\\x21-\\x7e]+")
          String idempotencyKey) {
    EventType<MigrationReported> type =
        switch (body.fact()) {
          case STARTED -> EventType.MIGRATION_STARTED;
          case APPLIED -> EventType.MIGRATION_APPLIED;
          case FAILED -> EventType.MIGRATION_FAILED;
        };
    CloudEvent<MigrationReported> event;
    try {
      event =
          facts.report(
              type,
              new MigrationReported(
                  body.database(), body.migration(), body.backupId(), body.exitCode()),
              Optional.ofNullable(body.correlationId()),
              Optional.ofNullable(idempotencyKey));
    } catch (TimeoutException e) {
      throw new ServiceUnavailableException("the broker did not take the event in time");
    }
    return Response.accepted(Reported.of(event)).build();
  }
}
