package dev.lifeboat.audit.api;

import dev.lifeboat.audit.AuditConfig;
import dev.lifeboat.audit.store.DashboardRepository;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code /api/v1/dashboard}: what the dashboard page shows besides the live feed, in one request,
 * derived from the audit log.
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(
    responseCode = "401",
    description = "No valid bearer token",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
    responseCode = "403",
    description = "The token's roles do not allow this",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class DashboardResource {
  private final DashboardRepository repository;
  private final AuditConfig config;

  public DashboardResource(DashboardRepository repository, AuditConfig config) {
    this.repository = repository;
    this.config = config;
  }

  /**
   * @param generatedAt the server's clock, from which the page computes backup ages
   */
  public record Dashboard(
      OffsetDateTime generatedAt,
      List<DashboardRepository.DatabaseBackups> backups,
      List<DashboardRepository.LatestHealth> health,
      List<DashboardRepository.OpenRestore> openRestores,
      List<DashboardRepository.BackupPoint> backupHistory) {}

  @GET
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "Backups per database, latest health, open restores, backup size and duration",
      description =
          "backups: per database, the completed backups not pruned since (count, total size) and"
              + " the newest; health: each database's latest health check; openRestores: restores"
              + " whose last event is not completed, failed or cancelled (plans unconfirmed for"
              + " longer than lifeboat.audit.dashboard.planned-restore-ttl count as expired);"
              + " backupHistory: the newest completed backups, oldest first, for the chart.")
  public Uni<Dashboard> get() {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    return Uni.combine()
        .all()
        .unis(
            repository.backupsPerDatabase(),
            repository.latestHealth(),
            repository.openRestores(now.minus(config.dashboard().plannedRestoreTtl())),
            repository.backupHistory(config.dashboard().chartPoints()))
        .with(
            (backups, health, open, history) -> new Dashboard(now, backups, health, open, history));
  }
}
