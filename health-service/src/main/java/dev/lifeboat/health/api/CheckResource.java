package dev.lifeboat.health.api;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.TextLimits;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.health.HealthConfig;
import dev.lifeboat.health.HealthIds;
import dev.lifeboat.health.catalog.CheckReport;
import dev.lifeboat.health.catalog.CheckRepository;
import dev.lifeboat.health.checks.Baselines;
import dev.lifeboat.health.running.CheckBusyException;
import dev.lifeboat.health.running.CheckRunner;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /api/v1/checks}: check a database now and read stored reports. A check runs while the
 * request waits (blocking, on a worker thread).
 */
@Path("/api/v1/checks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CheckResource {
  private final CheckRunner runner;
  private final CheckRepository catalog;
  private final Baselines baselines;
  private final TargetDatabases targets;
  private final HealthConfig config;

  public CheckResource(
      CheckRunner runner,
      CheckRepository catalog,
      Baselines baselines,
      TargetDatabases targets,
      HealthConfig config) {
    this.runner = runner;
    this.catalog = catalog;
    this.baselines = baselines;
    this.targets = targets;
    this.config = config;
  }

  @POST
  @RolesAllowed(Roles.RESPONDER)
  @Operation(
      summary = "Check a database now",
      description =
          "Runs every check against the database, compares it with the baseline backup (default: the newest), stores the report and publishes dev.lifeboat.health.checked.")
  @APIResponse(
      responseCode = "201",
      description = "The report; Location names it",
      content = @Content(schema = @Schema(implementation = CheckReport.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such baseline backup",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "Another check or a restore of the database is still running",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response check(@Valid @NotNull CheckRequestBody body) {
    targets.get(body.database());
    CheckRunner.Request request;
    try {
      if (body.baselineBackupId() != null) {
        Manifest baseline =
            baselines
                .find(body.database(), body.baselineBackupId())
                .orElseThrow(
                    () ->
                        new NotFoundException(
                            "backup "
                                + body.baselineBackupId()
                                + " of "
                                + body.database()
                                + " does not exist (no manifest)"));
        request =
            new CheckRunner.Request(
                body.database(),
                Optional.of(baseline),
                List.of(),
                "api",
                null,
                null,
                config.checkWait());
      } else {
        request = runner.latest(body.database(), "api", null, null, config.checkWait());
      }
    } catch (UncheckedIOException e) {
      throw new ServiceUnavailableException("cannot read the backups: " + e.getMessage());
    }
    CheckReport report;
    try {
      report = runner.run(request).orElseThrow();
    } catch (CheckBusyException e) {
      throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
    }
    return Response.created(URI.create("/api/v1/checks/" + report.checkId()))
        .entity(report)
        .build();
  }

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "Check reports, newest first",
      description =
          "correlationId finds the check an event started, e.g. the post-migration check of a"
              + " migration.applied reported with that correlation id.")
  public List<CheckReport> list(
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("correlationId") @Size(min = 1, max = TextLimits.ID) String correlationId,
      @QueryParam("limit") @Min(1) @Max(1000) Integer limit) {
    if (database != null) {
      targets.get(database);
    }
    return IoWaits.await(
        catalog.list(
            Optional.ofNullable(database),
            Optional.ofNullable(correlationId),
            limit == null ? 20 : limit));
  }

  @GET
  @Path("/{checkId}")
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "One check report")
  @APIResponse(
      responseCode = "404",
      description = "No such check",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public CheckReport get(
      @PathParam("checkId") @Pattern(regexp = HealthIds.CHECK_REGEX) String checkId) {
    return catalog
        .find(checkId)
        .await()
        .indefinitely()
        .orElseThrow(() -> new NotFoundException("check " + checkId + " does not exist"));
  }
}
