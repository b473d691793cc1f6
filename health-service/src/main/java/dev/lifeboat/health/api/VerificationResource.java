package dev.lifeboat.health.api;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.backups.BackupIds;
import dev.lifeboat.common.databases.DatabaseNames;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.health.HealthIds;
import dev.lifeboat.health.catalog.Verification;
import dev.lifeboat.health.catalog.VerificationRepository;
import dev.lifeboat.health.checks.Baselines;
import dev.lifeboat.health.verification.BackupVerifier;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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

/** {@code /api/v1/verifications}: verify a stored backup (checksum, optionally a restore drill). */
@Path("/api/v1/verifications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class VerificationResource {
  private final BackupVerifier verifier;
  private final VerificationRepository catalog;
  private final Baselines baselines;
  private final TargetDatabases targets;
  private final SecurityIdentity caller;

  public VerificationResource(
      BackupVerifier verifier,
      VerificationRepository catalog,
      Baselines baselines,
      TargetDatabases targets,
      SecurityIdentity caller) {
    this.verifier = verifier;
    this.catalog = catalog;
    this.baselines = baselines;
    this.targets = targets;
    this.caller = caller;
  }

  @POST
  @RolesAllowed(Roles.RESPONDER)
  @Operation(
      summary = "Verify a stored backup",
      description =
          "Recomputes the stored object's SHA-256 and size against the manifest; with drill=true also restores it into a scratch database, compares every table's row count, checks the copy and drops it. Publishes dev.lifeboat.backup.verified or dev.lifeboat.backup.verification-failed.")
  @APIResponse(
      responseCode = "202",
      description = "Started; Location names the verification",
      content = @Content(schema = @Schema(implementation = VerificationView.class)))
  @APIResponse(
      responseCode = "404",
      description = "No such backup",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Response verify(@Valid @NotNull VerificationRequestBody body) {
    Manifest manifest = manifest(body);
    Verification v =
        verifier.start(
            manifest, Boolean.TRUE.equals(body.drill()), caller.getPrincipal().getName(), null);
    return Response.accepted(VerificationView.of(v))
        .location(URI.create("/api/v1/verifications/" + v.verificationId()))
        .build();
  }

  private Manifest manifest(VerificationRequestBody body) {
    List<String> databases =
        body.database() != null
            ? List.of(targets.get(body.database()).name())
            : List.copyOf(targets.all().keySet());
    try {
      for (String database : databases) {
        Optional<Manifest> found = baselines.find(database, body.backupId());
        if (found.isPresent()) {
          return found.get();
        }
      }
    } catch (UncheckedIOException e) {
      throw new ServiceUnavailableException("cannot read the backups: " + e.getMessage());
    }
    throw new NotFoundException(
        "backup "
            + body.backupId()
            + " does not exist"
            + (body.database() == null
                ? " (no manifest under any configured database)"
                : " (no manifest under " + body.database() + ")"));
  }

  @GET
  @Path("/{verificationId}")
  @RolesAllowed(Roles.VIEWER)
  @Operation(summary = "One verification: status, checksum, drill")
  @APIResponse(
      responseCode = "404",
      description = "No such verification",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public VerificationView get(
      @PathParam("verificationId") @Pattern(regexp = HealthIds.VERIFICATION_REGEX)
          String verificationId) {
    return catalog
        .find(verificationId)
        .await()
        .indefinitely()
        .map(VerificationView::of)
        .orElseThrow(
            () -> new NotFoundException("verification " + verificationId + " does not exist"));
  }

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "Verifications, newest first",
      description = "backupId= answers whether a backup passed or failed its latest verification.")
  public List<VerificationView> list(
      @QueryParam("database") @Pattern(regexp = DatabaseNames.REGEX) String database,
      @QueryParam("backupId") @Pattern(regexp = BackupIds.REGEX) String backupId,
      @QueryParam("limit") @Min(1) @Max(1000) Integer limit) {
    if (database != null) {
      targets.get(database);
    }
    return catalog
        .list(
            Optional.ofNullable(database),
            Optional.ofNullable(backupId),
            limit == null ? 20 : limit)
        .await()
        .indefinitely()
        .stream()
        .map(VerificationView::of)
        .toList();
  }
}
