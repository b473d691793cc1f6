package dev.lifeboat.restore.execution;

import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.EventPublisher;
import dev.lifeboat.restore.catalog.Restore;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.metrics.RestoreMetrics;
import dev.lifeboat.restore.plan.Plan;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * The one way a restore ends: completed, failed or cancelled, recorded in the catalog (only over
 * RUNNING, so an end is never overwritten) and announced. A terminal event's id is derived from the
 * restore and its outcome, so that announcing it again, for a redelivered command whose work had
 * finished before a crash, gives consumers the same event to store once.
 */
@ApplicationScoped
class RestoreOutcomes {
  private static final Logger LOG = Logger.getLogger(RestoreOutcomes.class);
  private static final Duration IO_WAIT = Duration.ofSeconds(30);

  private final RestoreRepository catalog;
  private final EventPublisher events;
  private final RestoreMetrics metrics;
  private final Clock clock = Clock.systemUTC();

  RestoreOutcomes(RestoreRepository catalog, EventPublisher events, RestoreMetrics metrics) {
    this.catalog = catalog;
    this.events = events;
    this.metrics = metrics;
  }

  void completed(Restore r, String outcome, Duration took, String undoDatabase) {
    catalog.complete(r.restoreId(), outcome, clock.instant(), undoDatabase).await().atMost(IO_WAIT);
    announceCompleted(r, took);
    metrics.completed(r.database(), r.mode(), took);
    LOG.infof("restore %s of %s completed: %s", r.restoreId(), r.database(), outcome);
  }

  void failed(Restore r, String step, String reason) {
    catalog.fail(r.restoreId(), reason, clock.instant()).await().atMost(IO_WAIT);
    metrics.failed(r.database());
    announceFailed(r, step, reason);
    LOG.warnf("restore %s of %s failed at %s: %s", r.restoreId(), r.database(), step, reason);
  }

  void cancelled(Restore r, String by) {
    catalog.cancelled(r.restoreId(), "cancelled by " + by, clock.instant()).await().atMost(IO_WAIT);
    announceCancelled(r, by);
    LOG.infof("restore %s of %s cancelled by %s; the target is as it was", r.restoreId(), by);
  }

  /**
   * A command for a restore that had ended: its terminal event may not have reached the broker
   * before a crash, so it goes out again, with the same id.
   */
  void announceAgain(Restore r) {
    switch (r.status()) {
      case COMPLETED ->
          announceCompleted(
              r,
              r.confirmedAt() == null || r.finishedAt() == null
                  ? Duration.ZERO
                  : Duration.between(r.confirmedAt(), r.finishedAt()));
      case FAILED -> announceFailed(r, failedStep(r), r.finishedReason());
      case CANCELLED -> {
        String reason = r.finishedReason() == null ? "" : r.finishedReason();
        announceCancelled(
            r,
            reason.startsWith("cancelled by ")
                ? reason.substring("cancelled by ".length())
                : reason);
      }
      default -> throw new IllegalStateException(r.restoreId() + " has not ended");
    }
  }

  private void announceCompleted(Restore r, Duration took) {
    announce(
        EventType.RESTORE_COMPLETED,
        r,
        new RestoreEvents.Completed(
            r.restoreId(), r.backupId(), r.database(), took.toMillis(), r.mode()));
  }

  private void announceFailed(Restore r, String step, String reason) {
    announce(
        EventType.RESTORE_FAILED,
        r,
        new RestoreEvents.Failed(r.restoreId(), r.backupId(), r.database(), step, reason));
  }

  private void announceCancelled(Restore r, String by) {
    announce(
        EventType.RESTORE_CANCELLED,
        r,
        new RestoreEvents.Cancelled(r.restoreId(), r.database(), by));
  }

  private <T extends EventData> void announce(EventType<T> type, Restore r, T data) {
    events.publishOnce(type, r.correlationId(), data, r.restoreId()).await().atMost(IO_WAIT);
  }

  private static String failedStep(Restore r) {
    return r.plan().steps().stream()
        .filter(s -> "FAILED".equals(s.state()))
        .map(Plan.Step::name)
        .findFirst()
        .orElse(null);
  }

  Instant now() {
    return clock.instant();
  }
}
