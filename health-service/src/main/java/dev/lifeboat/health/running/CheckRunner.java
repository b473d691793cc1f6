package dev.lifeboat.health.running;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.archive.server.DatabaseLocks;
import dev.lifeboat.common.databases.TargetDatabase;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.health.HealthConfig;
import dev.lifeboat.health.HealthIds;
import dev.lifeboat.health.catalog.CheckReport;
import dev.lifeboat.health.catalog.CheckRepository;
import dev.lifeboat.health.checks.Baseline;
import dev.lifeboat.health.checks.Baselines;
import dev.lifeboat.health.checks.DatabaseChecks;
import dev.lifeboat.health.checks.Finding;
import dev.lifeboat.health.checks.HealthStatus;
import dev.lifeboat.health.checks.Severity;
import dev.lifeboat.health.metrics.HealthMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs a check of a target database whatever started it (API, schedule, event): one at a time per
 * database, then stores the report with its {@code dev.lifeboat.health.checked} event (the outbox
 * publishes it).
 */
@ApplicationScoped
public class CheckRunner {
  private static final Logger LOG = Logger.getLogger(CheckRunner.class);

  private final DatabaseChecks checks;
  private final Baselines baselines;
  private final CheckTurns turns;
  private final CheckRepository catalog;
  private final EventPublisher events;
  private final TargetDatabases targets;
  private final HealthMetrics metrics;
  private final HealthConfig config;
  private final Clock clock = Clock.systemUTC();

  public CheckRunner(
      DatabaseChecks checks,
      Baselines baselines,
      CheckTurns turns,
      CheckRepository catalog,
      EventPublisher events,
      TargetDatabases targets,
      HealthMetrics metrics,
      HealthConfig config) {
    this.checks = checks;
    this.baselines = baselines;
    this.turns = turns;
    this.catalog = catalog;
    this.events = events;
    this.targets = targets;
    this.metrics = metrics;
    this.config = config;
  }

  /**
   * What started a check and what it compares with.
   *
   * @param baseline the backup to compare with; empty for none
   * @param notes findings known before the check runs (how the baseline was chosen)
   * @param correlationId of the work the check belongs to; null: the check's own id
   * @param triggerEventId the event that started it, so a redelivery runs nothing twice
   * @param patience how long to wait for a running check of the same database
   */
  public record Request(
      String database,
      Optional<Manifest> baseline,
      List<Finding> notes,
      String trigger,
      String correlationId,
      String triggerEventId,
      Duration patience) {}

  /**
   * The database's newest backup as the baseline, with a note when there is none.
   *
   * @return the baseline and the notes to start the report with
   */
  public Request latest(
      String database, String trigger, String correlationId, String triggerEventId, Duration wait) {
    List<Finding> notes = new ArrayList<>();
    Optional<Manifest> latest;
    try {
      latest = baselines.latest(database);
      if (latest.isEmpty()) {
        notes.add(noBaseline(database));
      }
    } catch (UncheckedIOException e) {
      // The database can still be checked; only the comparison is lost.
      latest = Optional.empty();
      notes.add(
          Finding.of(
              "baseline",
              Severity.WARNING,
              "the backups of "
                  + database
                  + " could not be listed, so nothing was compared with one: "
                  + e.getMessage()));
    }
    return new Request(database, latest, notes, trigger, correlationId, triggerEventId, wait);
  }

  /**
   * Holds the database's advisory lock shared for the check, as backups do: a running restore of it
   * is waited for, and a restore that begins meanwhile waits for the check. Otherwise a check could
   * read a database that an IN_PLACE or TABLES restore has half rebuilt, and report it broken in
   * the middle of an incident.
   *
   * @return the lease, or null when the server cannot be reached for it: the check then reports the
   *     connection's failure itself
   */
  private DatabaseLocks.Lease restoresKeptAway(TargetDatabase target, Duration patience) {
    try {
      return DatabaseLocks.shared(target, patience);
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) {
        throw CheckBusyException.restoreRunning(target.name());
      }
      LOG.debugf("no lock against restores of %s: %s", target.name(), e.getMessage());
      return null;
    }
  }

  private static void release(DatabaseLocks.Lease lease) {
    if (lease == null) {
      return;
    }
    try {
      lease.close();
    } catch (SQLException e) {
      // Closing the session releases the lock whatever the error; nothing is left held.
      LOG.debugf("closing the lock's session: %s", e.getMessage());
    }
  }

  static Finding noBaseline(String database) {
    return Finding.of(
        "baseline",
        Severity.INFO,
        "no backup of "
            + database
            + " to compare with: tables, columns and row counts were not compared");
  }

  /**
   * Runs the check and stores its report; empty when the triggering event already has a report.
   *
   * @throws CheckBusyException when another check or a restore of the database did not finish
   *     within the wait
   */
  public Optional<CheckReport> run(Request request) {
    TargetDatabase target = targets.get(request.database());
    String checkId = HealthIds.nextCheck(clock);
    Instant started = clock.instant();
    if (!turns.acquire(request.database(), request.patience())) {
      throw CheckBusyException.checkRunning(request.database());
    }
    DatabaseChecks.Outcome outcome;
    DatabaseLocks.Lease noRestore = null;
    try {
      noRestore = restoresKeptAway(target, request.patience());
      Baseline baseline = request.baseline().map(baselines::load).orElse(null);
      outcome =
          checks.run(
              target, target.database(), baseline, config.rowLossThreshold(request.database()));
    } finally {
      release(noRestore);
      turns.release(request.database());
    }
    List<Finding> findings = new ArrayList<>(request.notes());
    findings.addAll(outcome.findings());
    HealthEvents.Status status = HealthStatus.of(findings);
    String correlationId = request.correlationId() == null ? checkId : request.correlationId();
    String baselineId = request.baseline().map(Manifest::backupId).orElse(null);
    CheckReport report =
        new CheckReport(
            checkId,
            request.database(),
            status,
            request.trigger(),
            baselineId,
            correlationId,
            started,
            clock.instant(),
            outcome.latencyMillis(),
            List.copyOf(findings));
    CloudEvent<HealthEvents.Checked> checked =
        events.event(
            EventType.HEALTH_CHECKED,
            correlationId,
            new HealthEvents.Checked(
                checkId,
                request.database(),
                status,
                baselineId,
                findings.size(),
                request.trigger()));
    // The report and its event commit together; the outbox's relay publishes the event.
    if (!catalog.insert(report, request.triggerEventId(), checked).await().atMost(IoWaits.LIMIT)) {
      LOG.infof(
          "event %s was already checked; report %s dropped", request.triggerEventId(), checkId);
      return Optional.empty();
    }
    metrics.checked(request.database(), status);
    LOG.infof(
        "check %s of %s (%s): %s, %d finding(s)",
        checkId, request.database(), request.trigger(), status, findings.size());
    return Optional.of(report);
  }
}
