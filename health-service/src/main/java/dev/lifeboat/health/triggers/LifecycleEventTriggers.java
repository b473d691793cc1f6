package dev.lifeboat.health.triggers;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.events.MigrationReported;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.InboundEvents;
import dev.lifeboat.health.HealthConfig;
import dev.lifeboat.health.HealthWorkers;
import dev.lifeboat.health.catalog.CheckRepository;
import dev.lifeboat.health.checks.Baselines;
import dev.lifeboat.health.checks.Finding;
import dev.lifeboat.health.checks.Severity;
import dev.lifeboat.health.running.CheckRunner;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Checks a database after every {@code dev.lifeboat.restore.completed} (against the backup that was
 * restored) and every {@code dev.lifeboat.migration.applied} (against the backup taken before the
 * migration), publishing the report's {@code health.checked} with the triggering event's {@code
 * correlationid}. Every other event on {@code lifeboat.events} is acknowledged at once; one that
 * cannot be read is skipped, never retried.
 */
@ApplicationScoped
public class LifecycleEventTriggers {
  /** The channel of {@code lifeboat.events}, with consumer group {@code health-service}. */
  public static final String CHANNEL = "lifecycle-events";

  private static final Logger LOG = Logger.getLogger(LifecycleEventTriggers.class);

  /** A triggered check waits for a running check of the same database, however long it takes. */
  private static final Duration WAIT = Duration.ofHours(1);

  private final InboundEvents inbound;
  private final TargetDatabases targets;
  private final CheckRunner runner;
  private final Baselines baselines;
  private final HealthWorkers workers;
  private final HealthConfig config;
  private final CheckRepository reports;

  public LifecycleEventTriggers(
      InboundEvents inbound,
      TargetDatabases targets,
      CheckRunner runner,
      Baselines baselines,
      HealthWorkers workers,
      HealthConfig config,
      CheckRepository reports) {
    this.reports = reports;
    this.inbound = inbound;
    this.targets = targets;
    this.runner = runner;
    this.baselines = baselines;
    this.workers = workers;
    this.config = config;
  }

  @Incoming(CHANNEL)
  public Uni<Void> onEvent(Message<byte[]> message) {
    CloudEvent<EventData> event;
    try {
      event = inbound.read(message);
    } catch (InvalidEventException e) {
      LOG.debugf("skipped an unreadable event: %s", e.getMessage());
      return ack(message);
    }
    boolean trigger =
        EventType.RESTORE_COMPLETED.name().equals(event.type())
            || EventType.MIGRATION_APPLIED.name().equals(event.type());
    if (!trigger) {
      return ack(message);
    }
    String database = event.data().database();
    if (event.data() instanceof RestoreEvents.Completed restore
        && restore.mode() == RestoreEvents.Mode.NEW_DATABASE) {
      LOG.infof(
          "restore %s went to a new database and left %s alone: no check",
          restore.restoreId(), database);
      return ack(message);
    }
    if (!targets.contains(database)) {
      LOG.infof("%s of %s: not a configured database, no check", event.type(), database);
      return ack(message);
    }
    Instant at = event.time() == null ? Instant.now() : event.time().toInstant();
    if (at.isBefore(Instant.now().minus(config.triggerMaxAge()))) {
      LOG.infof(
          "%s %s from %s is older than the trigger max age: no check",
          event.type(), event.id(), at);
      return ack(message);
    }
    workers.execute(
        () -> {
          try {
            check(event);
            message.ack();
          } catch (RuntimeException e) {
            LOG.errorf(e, "the check after %s %s failed", event.type(), event.id());
            message.nack(e);
          }
        });
    return Uni.createFrom().voidItem();
  }

  private void check(CloudEvent<EventData> event) {
    if (reports.handled(event.id()).await().atMost(IoWaits.LIMIT)) {
      return; // redelivered after its report was stored
    }
    String correlationId = event.correlationIdOrId();
    if (event.data() instanceof RestoreEvents.Completed restore) {
      List<Finding> notes = new ArrayList<>();
      Optional<Manifest> baseline = find(restore.database(), restore.backupId(), notes);
      if (baseline.isEmpty() && notes.isEmpty()) {
        notes.add(
            Finding.of(
                "baseline",
                Severity.WARNING,
                "backup "
                    + restore.backupId()
                    + " of the restore no longer exists: nothing to compare the restored database with"));
      }
      runner.run(
          new CheckRunner.Request(
              restore.database(),
              baseline,
              notes,
              "restore:" + restore.restoreId(),
              correlationId,
              event.id(),
              WAIT));
    } else if (event.data() instanceof MigrationReported migration) {
      runner.run(afterMigration(migration, correlationId, event.id()));
    }
  }

  /**
   * Compares with the backup the pipeline names, else the newest one labelled with the migration:
   * the one taken before it.
   */
  CheckRunner.Request afterMigration(
      MigrationReported migration, String correlationId, String eventId) {
    String database = migration.database();
    List<Finding> notes = new ArrayList<>();
    Optional<Manifest> baseline = Optional.empty();
    if (migration.backupId() != null) {
      baseline = find(database, migration.backupId(), notes);
      if (baseline.isEmpty() && notes.isEmpty()) {
        notes.add(
            Finding.of(
                "baseline",
                Severity.WARNING,
                "backup "
                    + migration.backupId()
                    + " named by the migration event does not exist; looking for one labelled "
                    + migration.migration()));
      }
    }
    if (baseline.isEmpty()) {
      try {
        baseline = baselines.beforeMigration(database, migration.migration());
      } catch (UncheckedIOException e) {
        notes.add(unreadable(e));
        return new CheckRunner.Request(
            database,
            Optional.empty(),
            notes,
            "migration:" + migration.migration(),
            correlationId,
            eventId,
            WAIT);
      }
    }
    if (baseline.isEmpty()) {
      notes.add(
          Finding.of(
              "baseline",
              Severity.WARNING,
              "no backup of "
                  + database
                  + " was taken before migration "
                  + migration.migration()
                  + ": what it changed cannot be told"));
    }
    return new CheckRunner.Request(
        database,
        baseline,
        notes,
        "migration:" + migration.migration(),
        correlationId,
        eventId,
        WAIT);
  }

  /**
   * The backup, or empty with a note when the bucket cannot be read: the check still runs and is
   * still published, so whoever waits for it (restore-service) is not left waiting.
   */
  private Optional<Manifest> find(String database, String backupId, List<Finding> notes) {
    try {
      return baselines.find(database, backupId);
    } catch (UncheckedIOException e) {
      notes.add(unreadable(e));
      return Optional.empty();
    }
  }

  private static Finding unreadable(UncheckedIOException e) {
    return Finding.of(
        "baseline",
        Severity.WARNING,
        "the backups could not be read, so nothing was compared with one: " + e.getMessage());
  }

  private static Uni<Void> ack(Message<byte[]> message) {
    return Uni.createFrom().completionStage(message.ack());
  }
}
