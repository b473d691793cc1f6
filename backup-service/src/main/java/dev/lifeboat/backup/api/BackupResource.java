package dev.lifeboat.backup.api;

import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.backup.requests.BackupCommands;
import dev.lifeboat.backup.requests.BackupIntake;
import dev.lifeboat.backup.retention.BackupDeletion;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.BackupEvents;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;

/** {@code /api/v1/backups}: request, list, inspect, pin and delete backups. */
@Path("/api/v1/backups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BackupResource {

  private final BackupRepository catalog;
  private final BackupIntake intake;
  private final BackupCommands commands;
  private final BackupDeletion deletion;
  private final TargetDatabases targets;
  private final SecurityIdentity caller;

  public BackupResource(
      BackupRepository catalog,
      BackupIntake intake,
      BackupCommands commands,
      BackupDeletion deletion,
      TargetDatabases targets,
      SecurityIdentity caller) {
    this.catalog = catalog;
    this.intake = intake;
    this.commands = commands;
    this.deletion = deletion;
    this.targets = targets;
    this.caller = caller;
  }

  @POST
  @RolesAllowed(Roles.PIPELINE)
  @Operation(
      summary = "Request a backup",
      description = "Publishes the same command a pipeline would; the backup runs asynchronously.")
  @APIResponse(
      responseCode = "202",
      description = "Accepted; Location names the backup",
      content = @Content(schema = @Schema(implementation = BackupView.Accepted.class)))
  public Uni<Response> request(
      @Valid @NotNull BackupRequestBody body,
      @RestHeader("Idempotency-Key") @Size(min = 1, max = 256) @Pattern(regexp = "[\\x21-\\x7e]+")
          String idempotencyKey) {
    targets.get(body.database());
    String commandId = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
    return catalog
        .findByCommand(commandId)
        .chain(
            existing ->
                existing.isPresent()
                    ? Uni.createFrom().item(existing.get())
                    : submit(commandId, body))
        .map(
            backup ->
                Response.accepted(
                        new BackupView.Accepted(backup.backupId(), backup.status().name()))
                    .location(URI.create("/api/v1/backups/" + backup.backupId()))
                    .build());
  }

  private Uni<Backup> submit(String commandId, BackupRequestBody body) {
    var data =
        new BackupEvents.Requested(
            body.database(),
            body.reason(),
            body.migration(),
            caller.getPrincipal().getName(),
            body.labels(),
            BackupIds.next(java.time.Clock.systemUTC()));
    var command = commands.command("api", commandId, data);
    return intake
        .record(command)
        .call(
            backup ->
                commands
                    .send(command)
                    .onFailure()
                    .call(
                        e ->
                            intake.notQueued(
                                backup, "the request could not be queued: " + e.getMessage()))
                    .onFailure()
                    .transform(
                        e ->
                            new ServiceUnavailableException(
                                "Kafka did not take the backup request; try again")));
  }

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "List backups, newest first")
  public Uni<List<BackupView>> list(
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("limit") @Min(1) @Max(1000) Integer limit) {
    if (database != null) {
      targets.get(database);
    }
    return catalog
        .list(Optional.ofNullable(database), limit == null ? 20 : limit)
        .map(backups -> backups.stream().map(BackupView::of).toList());
  }

  @GET
  @Path("/{backupId}")
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "A backup: its manifest, status and, while running, progress")
  @APIResponse(
      responseCode = "404",
      description = "No such backup",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Uni<BackupView> get(
      @PathParam("backupId") @Pattern(regexp = BackupIds.REGEX) String backupId) {
    return catalog.find(backupId).map(found -> BackupView.of(Backup.existing(found, backupId)));
  }

  @PUT
  @Path("/{backupId}/pin")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Pin a completed backup: retention never deletes it")
  @APIResponse(
      responseCode = "409",
      description = "The backup is not completed",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public BackupView pin(@PathParam("backupId") @Pattern(regexp = BackupIds.REGEX) String backupId) {
    return BackupView.of(deletion.pin(backupId, true));
  }

  @DELETE
  @Path("/{backupId}/pin")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Unpin a backup")
  public BackupView unpin(
      @PathParam("backupId") @Pattern(regexp = BackupIds.REGEX) String backupId) {
    return BackupView.of(deletion.pin(backupId, false));
  }

  @DELETE
  @Path("/{backupId}")
  @RolesAllowed(Roles.ADMIN)
  @Operation(summary = "Delete a backup (its objects; the catalog keeps the record)")
  @APIResponse(responseCode = "204", description = "Deleted")
  @APIResponse(
      responseCode = "409",
      description = "Pinned, still running, or in use by a restore (held)",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response delete(
      @PathParam("backupId") @Pattern(regexp = BackupIds.REGEX) String backupId) {
    deletion.delete(backupId, "deleted by " + caller.getPrincipal().getName());
    return Response.noContent().build();
  }
}
