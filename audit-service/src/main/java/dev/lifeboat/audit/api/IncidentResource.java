package dev.lifeboat.audit.api;

import dev.lifeboat.audit.report.IncidentReport;
import dev.lifeboat.audit.report.LoggedEvent;
import dev.lifeboat.audit.store.AuditRepository;
import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.store.StoredEntry;
import dev.lifeboat.common.api.Problem;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.events.TextLimits;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /api/v1/incidents/{correlationId}/report}: a restore's timeline, in Markdown. */
@Path("/api/v1/incidents")
public class IncidentResource {
  public static final String MARKDOWN = "text/markdown";

  /** How far before a restore a health problem or a failed migration counts as its detection. */
  static final Duration DETECTION_WINDOW = Duration.ofHours(24);

  private static final List<String> DETECTIONS =
      List.of(
          "dev.lifeboat.health.checked",
          "dev.lifeboat.migration.failed",
          "dev.lifeboat.backup.verification-failed");

  private final AuditRepository events;

  public IncidentResource(AuditRepository events) {
    this.events = events;
  }

  @GET
  @Path("/{correlationId}/report")
  @Produces({MARKDOWN + ";charset=UTF-8", Problem.MEDIA_TYPE})
  @RolesAllowed(Roles.VIEWER)
  @Operation(
      summary = "A restore's incident timeline in Markdown",
      description =
          "correlationId is the restore's (its restoreId for restores planned through the API)."
              + " Detected (the last failed check or migration of the database in the 24 hours"
              + " before, and not before the backup restored from was started), planned,"
              + " confirmed by, safety backup, steps with durations, verification, and the first"
              + " health check after; laid out as the runbooks'"
              + " incident report template.")
  @APIResponse(
      responseCode = "200",
      description = "The report",
      content = @Content(mediaType = MARKDOWN))
  @APIResponse(
      responseCode = "404",
      description = "No restore event carries this correlation id",
      content = @Content(mediaType = Problem.MEDIA_TYPE))
  public Uni<String> report(
      @PathParam("correlationId") @Size(min = 1, max = TextLimits.ID) String correlationId) {
    return events
        .byCorrelation(correlationId, MigrationResource.MAX_ENTRIES)
        .chain(
            correlated -> {
              Optional<StoredEntry> restore =
                  correlated.stream()
                      .filter(e -> e.type() != null && e.type().startsWith("dev.lifeboat.restore."))
                      .findFirst();
              if (restore.isEmpty()) {
                throw new NotFoundException(
                    "no restore event has correlation id \"" + correlationId + "\"");
              }
              return facts(correlationId, correlated, restore.get());
            })
        .map(IncidentReport::markdown);
  }

  private Uni<IncidentReport.Facts> facts(
      String correlationId, List<StoredEntry> correlated, StoredEntry first) {
    String database = first.database();
    OffsetDateTime began = first.time();
    String backupId = LoggedEvent.of(first).text("backupId");
    // A problem seen before the backup restored from was taken is in that backup too: the restore
    // cannot be its answer, so detection looks no further back than the backup's start.
    Uni<Optional<StoredEntry>> detected =
        (backupId == null
                ? Uni.createFrom().item(Optional.<StoredEntry>empty())
                : events.firstAboutBackup(backupId, "dev.lifeboat.backup.started"))
            .chain(
                backupStarted -> {
                  OffsetDateTime from = began.minus(DETECTION_WINDOW);
                  if (backupStarted.isPresent() && backupStarted.get().time().isAfter(from)) {
                    from = backupStarted.get().time();
                  }
                  return events.ofDatabase(database, DETECTIONS, from, began, true, 50);
                })
            .map(
                found ->
                    found.stream()
                        .filter(
                            e ->
                                !e.type().equals("dev.lifeboat.health.checked")
                                    || !"HEALTHY".equals(LoggedEvent.of(e).text("status")))
                        .findFirst());
    Uni<Optional<StoredEntry>> backup =
        backupId == null
            ? Uni.createFrom().item(Optional.empty())
            : events.firstAboutBackup(backupId, "dev.lifeboat.backup.completed");
    Optional<StoredEntry> end =
        correlated.stream()
            .filter(
                e ->
                    "dev.lifeboat.restore.completed".equals(e.type())
                        || "dev.lifeboat.restore.failed".equals(e.type()))
            .findFirst();
    Uni<Optional<StoredEntry>> healthAfter =
        end.isEmpty()
            ? Uni.createFrom().item(Optional.empty())
            : events
                .ofDatabase(
                    database,
                    List.of("dev.lifeboat.health.checked"),
                    end.get().time(),
                    end.get().time().plus(DETECTION_WINDOW),
                    false,
                    1)
                .map(found -> found.stream().findFirst());
    return Uni.combine()
        .all()
        .unis(detected, backup, healthAfter)
        .with(
            (d, b, h) ->
                new IncidentReport.Facts(
                    correlationId,
                    correlated.stream().filter(e -> e.kind() == Kind.EVENT).toList(),
                    d,
                    b,
                    h));
  }
}
