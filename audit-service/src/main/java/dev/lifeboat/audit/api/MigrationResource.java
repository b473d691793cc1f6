package dev.lifeboat.audit.api;

import dev.lifeboat.audit.report.MigrationLog;
import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.DashboardRepository;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.events.TextLimits;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/v1/migrations}: each migration's log, built from the stored events. */
@Path("/api/v1/migrations")
@Produces(MediaType.APPLICATION_JSON)
public class MigrationResource {
  /** A log longer than this is cut; its entries say so by ending early. */
  static final int MAX_ENTRIES = 5_000;

  private final AuditRepository events;
  private final DashboardRepository summaries;

  public MigrationResource(AuditRepository events, DashboardRepository summaries) {
    this.events = events;
    this.summaries = summaries;
  }

  /** One migration in the list. */
  public record Summary(
      String migration,
      List<String> databases,
      List<String> backupIds,
      OffsetDateTime firstAt,
      OffsetDateTime lastAt,
      String lastFact) {}

  public record Migrations(List<Summary> migrations) {}

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "Migrations named by any event, most recently active first",
      description =
          "lastFact is the last pipeline fact (dev.lifeboat.migration.started|applied|failed),"
              + " null when only a backup for the migration is known.")
  public Uni<Migrations> list(@QueryParam("limit") @Min(1) @Max(1000) Integer limit) {
    return summaries
        .migrations(limit == null ? 100 : limit)
        .map(
            list ->
                new Migrations(
                    list.stream()
                        .map(
                            m ->
                                new Summary(
                                    m.migration(),
                                    m.databases(),
                                    m.backupIds(),
                                    m.firstAt(),
                                    m.lastAt(),
                                    m.lastFact()))
                        .toList()));
  }

  @GET
  @Path("/{name}")
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "One migration's log",
      description =
          "The backups taken for it, checks against them, restores of them, the pipeline's facts,"
              + " who did each thing and the outcome; entries in the order they were stored.")
  @APIResponse(
      responseCode = "200",
      description = "The log",
      content = @Content(schema = @Schema(implementation = MigrationLog.class)))
  @APIResponse(
      responseCode = "404",
      description = "No event names this migration",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Uni<MigrationLog> get(
      @PathParam("name") @Size(min = 1, max = TextLimits.TEXT) String name) {
    return events
        .migrationLog(name, MAX_ENTRIES)
        .map(
            stored -> {
              if (stored.stream().noneMatch(e -> name.equals(e.migration()))) {
                throw new NotFoundException("no event names migration \"" + name + "\"");
              }
              return MigrationLog.of(name, stored);
            });
  }
}
