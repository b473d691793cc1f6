package dev.lifeboat.restore.api;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.restores.RestoreIds;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Execution;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import dev.lifeboat.restore.commands.RestoreCommands;
import dev.lifeboat.restore.confirmation.ConfirmationCodes;
import dev.lifeboat.restore.plan.Plan;
import dev.lifeboat.restore.plan.RestorePlanner;
import dev.lifeboat.restore.plan.RestoreRequest;
import dev.lifeboat.restore.plan.TableName;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import java.io.IOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
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
@APIResponse(
    responseCode = "400",
    description = "Invalid request",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
    responseCode = "401",
    description = "No valid bearer token",
    content = @Content(mediaType = Problem.MEDIA_TYPE))
@APIResponse(
    responseCode = "403",
    description = "The token's roles do not allow this",
    content = @Content(mediaType = Problem.MEDIA_TYPE))
public class RestoreResource {
  private final RestoreRepository catalog;
  private final RestorePlanner planner;
  private final StoredBackups backups;
  private final TargetDatabases targets;
  private final RestoreCommands commands;
  private final EventPublisher events;
  private final RestoreConfig config;
  private final SecurityIdentity caller;
  private final Clock clock = Clock.systemUTC();

  public RestoreResource(
      RestoreRepository catalog,
      RestorePlanner planner,
      StoredBackups backups,
      TargetDatabases targets,
      RestoreCommands commands,
      EventPublisher events,
      RestoreConfig config,
      SecurityIdentity caller) {
    this.catalog = catalog;
    this.planner = planner;
    this.backups = backups;
    this.targets = targets;
    this.commands = commands;
    this.events = events;
    this.config = config;
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
    planner.check(request);
    if (request.modeOrDefault() == RestoreEvents.Mode.IN_PLACE
        && !request.safetyBackupOrDefault()
        && !caller.hasRole(Roles.ADMIN)) {
      // Past its drop, an in-place restore that fails has only the safety backup to fall back on.
      throw new jakarta.ws.rs.ForbiddenException(
          "only lifeboat-admin may skip the safety backup of an IN_PLACE restore");
    }
    TargetDatabase target = targets.get(request.database());
    Manifest manifest = manifest(request);
    Instant now = clock.instant();
    Plan plan;
    try {
      plan = planner.plan(request, manifest, target, now);
    } catch (SQLException e) {
      throw new ServiceUnavailableException(
          "cannot read " + request.database() + " to plan the restore: " + e.getMessage());
    }
    List<String> tables =
        planner.selectedTables(request, manifest).stream().map(TableName::toString).toList();
    String mode = request.modeOrDefault().name();
    if (dryRun) {
      return Response.ok(
              RestoreView.dryRun(
                  request.database(),
                  request.backupId(),
                  mode,
                  tables,
                  request.newDatabase(),
                  request.safetyBackupOrDefault(),
                  plan))
          .build();
    }
    String restoreId = RestoreIds.next(clock);
    String code = ConfirmationCodes.generate();
    Restore restore =
        new Restore(
            restoreId,
            request.database(),
            request.backupId(),
            request.modeOrDefault(),
            tables,
            request.newDatabase(),
            request.safetyBackupOrDefault(),
            RestoreStatus.AWAITING_CONFIRMATION,
            0,
            now.plus(config.confirmationTtl()),
            restoreId,
            caller.getPrincipal().getName(),
            now,
            null,
            null,
            null,
            null,
            plan,
            Execution.NONE);
    catalog.expireStale(request.database(), now).await().indefinitely();
    if (!catalog.insert(restore, ConfirmationCodes.hash(code)).await().indefinitely()) {
      Optional<Restore> open = catalog.open(request.database()).await().indefinitely();
      throw conflict(
          "database "
              + request.database()
              + " already has an open restore"
              + open.map(o -> ": " + o.restoreId() + " (" + o.status() + ")").orElse(""));
    }
    events
        .publish(
            EventType.RESTORE_PLANNED,
            restoreId,
            new RestoreEvents.Planned(
                restoreId, request.backupId(), request.database(), request.modeOrDefault()))
        .await()
        .indefinitely();
    return Response.created(URI.create("/api/v1/restores/" + restoreId))
        .entity(RestoreView.of(restore, code))
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
    Restore restore = existing(restoreId);
    Instant now = clock.instant();
    if (restore.status() != RestoreStatus.AWAITING_CONFIRMATION) {
      throw conflict(
          "restore " + restoreId + " is " + restore.status() + ": a confirmation code works once");
    }
    if (!restore.expiresAt().isAfter(now)) {
      catalog.expireStale(restore.database(), now).await().indefinitely();
      throw conflict(
          "the confirmation code of "
              + restoreId
              + " expired at "
              + restore.expiresAt()
              + "; plan again");
    }
    String who = caller.getPrincipal().getName();
    Optional<Restore> confirmed =
        catalog
            .confirm(restoreId, ConfirmationCodes.hash(confirmation.confirmationCode()), who, now)
            .await()
            .indefinitely();
    if (confirmed.isEmpty()) {
      Restore counted =
          catalog
              .wrongCode(restoreId, config.maxCodeAttempts(), now)
              .await()
              .indefinitely()
              .orElse(restore);
      int left = config.maxCodeAttempts() - counted.failedAttempts();
      throw conflict(
          counted.status() == RestoreStatus.CANCELLED
              ? "wrong confirmation code; too many wrong codes, so restore "
                  + restoreId
                  + " is cancelled"
              : "wrong confirmation code for " + restoreId + " (" + left + " attempt(s) left)");
    }
    Restore r = confirmed.get();
    var data =
        new RestoreEvents.Confirmed(
            r.restoreId(),
            r.backupId(),
            r.database(),
            r.mode(),
            r.tables(),
            r.newDatabase(),
            r.safetyBackup(),
            who);
    var command = events.event(EventType.RESTORE_CONFIRMED, r.correlationId(), data);
    try {
      commands.send(command).await().indefinitely();
    } catch (RuntimeException e) {
      catalog
          .fail(
              restoreId,
              "the confirmed restore could not be queued: " + e.getMessage(),
              clock.instant())
          .await()
          .indefinitely();
      throw new ServiceUnavailableException("Kafka did not take the confirmed restore; plan again");
    }
    events.publish(command).await().indefinitely();
    return Response.accepted(RestoreView.of(r)).build();
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
    Restore restore = existing(restoreId);
    String who = caller.getPrincipal().getName();
    Optional<Restore> cancelled =
        catalog.cancel(restoreId, "cancelled by " + who, clock.instant()).await().indefinitely();
    if (cancelled.isPresent()) {
      events
          .publish(
              EventType.RESTORE_CANCELLED,
              cancelled.get().correlationId(),
              new RestoreEvents.Cancelled(restoreId, cancelled.get().database(), who))
          .await()
          .indefinitely();
      return Response.ok(RestoreView.of(cancelled.get())).build();
    }
    Optional<Restore> stopping = catalog.requestCancel(restoreId, who).await().indefinitely();
    if (stopping.isPresent()) {
      return Response.accepted(RestoreView.of(stopping.get())).build();
    }
    Restore now = existing(restoreId);
    throw conflict(
        "restore "
            + restoreId
            + " is "
            + now.status()
            + (now.status() == RestoreStatus.RUNNING && now.execution().pointOfNoReturn()
                ? " and past its point of no return (" + pointOfNoReturn(now) + ")"
                : now.status() == RestoreStatus.RUNNING
                    ? " and already being cancelled by " + now.execution().cancelRequestedBy()
                    : "")
            + ": it can no longer be cancelled"
            + (restore.status() != now.status() ? " (it was " + restore.status() + ")" : ""));
  }

  private static String pointOfNoReturn(Restore r) {
    return switch (r.mode()) {
      case SWAP -> "the swap has begun";
      case IN_PLACE -> "the database was dropped";
      case TABLES -> "the set-aside tables are being dropped";
      case NEW_DATABASE -> "the restore is finishing";
    };
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
    return RestoreView.of(existing(restoreId));
  }

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "Restores, newest first")
  public List<RestoreView> list(
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("limit") @Min(1) @Max(1000) Integer limit) {
    if (database != null) {
      targets.get(database);
    }
    return catalog
        .list(Optional.ofNullable(database), limit == null ? 20 : limit)
        .await()
        .indefinitely()
        .stream()
        .map(RestoreView::of)
        .toList();
  }

  private Manifest manifest(RestoreRequest request) {
    try {
      return backups
          .manifest(request.database(), request.backupId())
          .orElseThrow(
              () ->
                  new NotFoundException(
                      "backup "
                          + request.backupId()
                          + " of "
                          + request.database()
                          + " does not exist (no manifest)"));
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot read the backup's manifest: " + e.getMessage());
    }
  }

  private Restore existing(String restoreId) {
    return catalog
        .find(restoreId)
        .await()
        .indefinitely()
        .orElseThrow(() -> new NotFoundException("restore " + restoreId + " does not exist"));
  }

  private static ClientErrorException conflict(String message) {
    return new ClientErrorException(message, Response.Status.CONFLICT);
  }
}
