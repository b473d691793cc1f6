package dev.lifeboat.restore.requests;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.storage.StoredBackups;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.databases.TableName;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.common.restores.RestoreIds;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.Execution;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import dev.lifeboat.restore.confirmation.ConfirmationCodes;
import dev.lifeboat.restore.plan.Plan;
import dev.lifeboat.restore.plan.RestorePlanner;
import dev.lifeboat.restore.plan.RestoreRequest;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a responder asks of restore-service, decided: plan (with the data-loss warning and a
 * one-time code), confirm with the code, cancel. Each change commits with its event (and, for a
 * confirmation, the command that runs the restore) through the catalog's outbox.
 */
@ApplicationScoped
public class RestoreRequests {

  private final RestoreRepository catalog;
  private final RestorePlanner planner;
  private final StoredBackups backups;
  private final TargetDatabases targets;
  private final EventPublisher events;
  private final RestoreConfig config;
  private final String commandsTopic;
  private final Clock clock = Clock.systemUTC();

  public RestoreRequests(
      RestoreRepository catalog,
      RestorePlanner planner,
      StoredBackups backups,
      TargetDatabases targets,
      EventPublisher events,
      RestoreConfig config,
      // Commands go to the topic the executing consumer reads.
      @ConfigProperty(name = "mp.messaging.incoming.restore-command-in.topic")
          String commandsTopic) {
    this.catalog = catalog;
    this.planner = planner;
    this.backups = backups;
    this.targets = targets;
    this.events = events;
    this.config = config;
    this.commandsTopic = commandsTopic;
  }

  /** A plan: the stored restore and its code, or (dry run) the plan alone. */
  public record Planned(Restore restore, String confirmationCode, Preview preview) {}

  /** A dry run's plan, never stored. */
  public record Preview(
      String database,
      String backupId,
      String mode,
      List<String> tables,
      String newDatabase,
      boolean safetyBackup,
      Plan plan) {}

  public Planned plan(RestoreRequest request, boolean dryRun, SecurityIdentity caller) {
    planner.check(request);
    if (request.modeOrDefault() == RestoreEvents.Mode.IN_PLACE
        && !request.safetyBackupOrDefault()
        && !caller.hasRole(Roles.ADMIN)) {
      // Past its drop, an in-place restore that fails has only the safety backup to fall back on.
      throw new ForbiddenException(
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
    if (dryRun) {
      return new Planned(
          null,
          null,
          new Preview(
              request.database(),
              request.backupId(),
              request.modeOrDefault().name(),
              tables,
              request.newDatabase(),
              request.safetyBackupOrDefault(),
              plan));
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
            request.reason(),
            request.ticket(),
            null,
            null,
            null,
            null,
            plan,
            Execution.NONE);
    catalog.expireStale(request.database(), now).await().atMost(IoWaits.LIMIT);
    var planned =
        events.event(
            EventType.RESTORE_PLANNED,
            restoreId,
            new RestoreEvents.Planned(
                restoreId,
                request.backupId(),
                request.database(),
                request.modeOrDefault(),
                request.reason(),
                request.ticket()));
    if (!catalog
        .insert(restore, ConfirmationCodes.hash(code), planned)
        .await()
        .atMost(IoWaits.LIMIT)) {
      Optional<Restore> open = catalog.open(request.database()).await().atMost(IoWaits.LIMIT);
      throw conflict(
          "database "
              + request.database()
              + " already has an open restore"
              + open.map(o -> ": " + o.restoreId() + " (" + o.status() + ")").orElse(""));
    }
    return new Planned(restore, code, null);
  }

  /**
   * Confirms with the one-time code: the restore and the command that runs it commit together, so a
   * confirmed restore is always queued.
   */
  public Restore confirm(String restoreId, String code, String who) {
    Restore restore = existing(restoreId);
    Instant now = clock.instant();
    if (restore.status() != RestoreStatus.AWAITING_CONFIRMATION) {
      throw conflict(
          "restore " + restoreId + " is " + restore.status() + ": a confirmation code works once");
    }
    if (!restore.expiresAt().isAfter(now)) {
      catalog.expireStale(restore.database(), now).await().atMost(IoWaits.LIMIT);
      throw conflict(
          "the confirmation code of "
              + restoreId
              + " expired at "
              + restore.expiresAt()
              + "; plan again");
    }
    CloudEvent<RestoreEvents.Confirmed> command =
        events.event(
            EventType.RESTORE_CONFIRMED,
            restore.correlationId(),
            new RestoreEvents.Confirmed(
                restore.restoreId(),
                restore.backupId(),
                restore.database(),
                restore.mode(),
                restore.tables(),
                restore.newDatabase(),
                restore.safetyBackup(),
                who,
                restore.reason(),
                restore.ticket()));
    Optional<Restore> confirmed =
        catalog
            .confirm(restoreId, ConfirmationCodes.hash(code), who, now, command, commandsTopic)
            .await()
            .atMost(IoWaits.LIMIT);
    if (confirmed.isPresent()) {
      return confirmed.get();
    }
    Restore counted =
        catalog
            .wrongCode(restoreId, config.maxCodeAttempts(), now)
            .await()
            .atMost(IoWaits.LIMIT)
            .orElse(restore);
    int left = config.maxCodeAttempts() - counted.failedAttempts();
    throw conflict(
        counted.status() == RestoreStatus.CANCELLED
            ? "wrong confirmation code; too many wrong codes, so restore "
                + restoreId
                + " is cancelled"
            : "wrong confirmation code for " + restoreId + " (" + left + " attempt(s) left)");
  }

  /** A cancel: done at once (not running yet), or asked of the running restore. */
  public record Cancel(Restore restore, boolean stopping) {}

  public Cancel cancel(String restoreId, String who) {
    Restore restore = existing(restoreId);
    var event =
        events.eventOnce(
            EventType.RESTORE_CANCELLED,
            restore.correlationId(),
            new RestoreEvents.Cancelled(restoreId, restore.database(), who),
            restoreId);
    Optional<Restore> cancelled =
        catalog
            .cancel(restoreId, "cancelled by " + who, clock.instant(), event)
            .await()
            .atMost(IoWaits.LIMIT);
    if (cancelled.isPresent()) {
      return new Cancel(cancelled.get(), false);
    }
    Optional<Restore> stopping =
        catalog.requestCancel(restoreId, who).await().atMost(IoWaits.LIMIT);
    if (stopping.isPresent()) {
      return new Cancel(stopping.get(), true);
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

  public Restore existing(String restoreId) {
    return catalog
        .find(restoreId)
        .await()
        .atMost(IoWaits.LIMIT)
        .orElseThrow(() -> new NotFoundException("restore " + restoreId + " does not exist"));
  }

  public List<Restore> list(Optional<String> database, int limit) {
    database.ifPresent(targets::get);
    return catalog.list(database, limit).await().atMost(IoWaits.LIMIT);
  }

  private static String pointOfNoReturn(Restore r) {
    return switch (r.mode()) {
      case SWAP -> "the swap has begun";
      case IN_PLACE -> "the database was dropped";
      case TABLES -> "the set-aside tables are being dropped";
      case NEW_DATABASE -> "the restore is finishing";
    };
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

  private static ClientErrorException conflict(String message) {
    return new ClientErrorException(message, Response.Status.CONFLICT);
  }
}
