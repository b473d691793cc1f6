package dev.lifeboat.audit.api;

import dev.lifeboat.audit.AuditConfig;
import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.DashboardRepository;
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

/**
 * {@code /api/v1/dashboard}: what the dashboard page shows besides the live feed, in one request,
 * derived from the audit log.
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
  private final DashboardRepository repository;
  private final AuditRepository events;
  private final AuditConfig config;

  public DashboardResource(
      DashboardRepository repository, AuditRepository events, AuditConfig config) {
    this.repository = repository;
    this.events = events;
    this.config = config;
  }

  /** Events the feed starts with. */
  static final int RECENT = 50;

  /**
   * @param generatedAt the server's clock, from which the page computes backup ages
   * @param recentEvents the newest events, newest first, to start the live feed with
   * @param lastAuditseq where the page's event stream continues ({@code Last-Event-ID})
   */
  public record Dashboard(
      OffsetDateTime generatedAt,
      List<EventView> recentEvents,
      long lastAuditseq,
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
    // The recent events first: whatever is stored after them, the page's stream delivers.
    return events
        .newest(RECENT)
        .chain(
            newest ->
                Uni.combine()
                    .all()
                    .unis(
                        repository.backupsPerDatabase(),
                        repository.latestHealth(),
                        repository.openRestores(now.minus(config.dashboard().plannedRestoreTtl())),
                        repository.backupHistory(config.dashboard().chartPoints()))
                    .with(
                        (backups, health, open, history) ->
                            new Dashboard(
                                now,
                                newest.stream().map(EventView::of).toList(),
                                newest.isEmpty() ? 0 : newest.get(0).auditseq(),
                                backups,
                                health,
                                open,
                                history)));
  }
}
