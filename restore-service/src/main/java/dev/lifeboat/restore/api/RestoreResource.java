package dev.lifeboat.restore.api;

import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.restores.RestoreIds;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.plan.RestoreRequest;
import dev.lifeboat.restore.requests.RestoreRequests;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /api/v1/restores}: plan a rollback and see what it would cost, confirm it with the
 * one-time code, follow it, cancel it. Blocking (it reads the target database and the bucket), so
 * it runs on worker threads.
 */
@Path("/api/v1/restores")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RestoreResource {
  private final RestoreRequests requests;
  private final SecurityIdentity caller;

  public RestoreResource(RestoreRequests requests, SecurityIdentity caller) {
    this.requests = requests;
    this.caller = caller;
  }

  @POST
  @RolesAllowed(Roles.RESPONDER)
  @Operation(
      summary = "Plan a restore",
      description =
          "Answers with the steps, the data-loss warning and a one-time confirmation code; nothing runs until it is confirmed.")
  @APIResponse(
      responseCode = "201",
      description = "Planned; awaiting confirmation",
      content = @Content(schema = @Schema(implementation = RestoreView.class)))
  @APIResponse(responseCode = "200", description = "With dryRun=true: the plan only")
  @APIResponse(
      responseCode = "403",
      description = "An IN_PLACE restore without a safety backup, asked for by other than an admin",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "404",
      description = "No such backup",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "The database already has an open restore",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response plan(
      @Valid @NotNull RestoreRequest request, @QueryParam("dryRun") boolean dryRun) {
    RestoreRequests.Planned planned = requests.plan(request, dryRun, caller);
    if (planned.preview() != null) {
      var p = planned.preview();
      return Response.ok(
              RestoreView.dryRun(
                  p.database(),
                  p.backupId(),
                  p.mode(),
                  p.tables(),
                  p.newDatabase(),
                  p.safetyBackup(),
                  p.plan()))
          .build();
    }
    Restore restore = planned.restore();
    return Response.created(URI.create("/api/v1/restores/" + restore.restoreId()))
        .entity(RestoreView.of(restore, planned.confirmationCode()))
        .build();
  }

  @POST
  @Path("/{restoreId}/confirm")
  @RolesAllowed(Roles.RESPONDER)
  @Operation(summary = "Confirm a planned restore with its one-time code")
  @APIResponse(responseCode = "202", description = "Confirmed; the restore is queued")
  @APIResponse(
      responseCode = "404",
      description = "No such restore",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  @APIResponse(
      responseCode = "409",
      description = "Wrong, used or expired code; nothing happens",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response confirm(
      @PathParam("restoreId") @Pattern(regexp = RestoreIds.REGEX) String restoreId,
      @Valid @NotNull RestoreView.Confirmation confirmation) {
    Restore confirmed =
        requests.confirm(
            restoreId, confirmation.confirmationCode(), caller.getPrincipal().getName());
    return Response.accepted(RestoreView.of(confirmed)).build();
  }

  @POST
  @Path("/{restoreId}/cancel")
  // No body: `curl -X POST .../cancel` must work without a Content-Type.
  @Consumes(MediaType.WILDCARD)
  @RolesAllowed(Roles.RESPONDER)
  @Operation(
      summary = "Cancel a restore",
      description =
          "Before it runs: cancelled at once (200). While it runs and before its point of no return"
              + " (the swap; the drop of IN_PLACE): 202, the restore stops its pg_restore, drops"
              + " what it created, leaves the target as it was and becomes CANCELLED.")
  @APIResponse(responseCode = "200", description = "Cancelled")
  @APIResponse(responseCode = "202", description = "Running: it stops and cleans up")
  @APIResponse(
      responseCode = "409",
      description = "Finished, or past its point of no return",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response cancel(
      @PathParam("restoreId") @Pattern(regexp = RestoreIds.REGEX) String restoreId) {
    RestoreRequests.Cancel cancel = requests.cancel(restoreId, caller.getPrincipal().getName());
    return cancel.stopping()
        ? Response.accepted(RestoreView.of(cancel.restore())).build()
        : Response.ok(RestoreView.of(cancel.restore())).build();
  }

  @GET
  @Path("/{restoreId}")
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "A restore: status, steps, data loss")
  @APIResponse(
      responseCode = "404",
      description = "No such restore",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public RestoreView get(
      @PathParam("restoreId") @Pattern(regexp = RestoreIds.REGEX) String restoreId) {
    return RestoreView.of(requests.existing(restoreId));
  }

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "Restores, newest first")
  public List<RestoreView> list(
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("limit") @Min(1) @Max(1000) Integer limit) {
    return requests.list(Optional.ofNullable(database), limit == null ? 20 : limit).stream()
        .map(RestoreView::of)
        .toList();
  }
}
