package dev.lifeboat.restore.execution;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.io.IoWaits;
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
 * The one way a restore ends: completed, failed or cancelled, recorded in the catalog (only over a
 * restore that had not ended, so an end is never overwritten) together with its event in the
 * outbox, in one transaction. A terminal event's id is derived from the restore and its outcome, so
 * that announcing it again, for a redelivered command whose work had ended, gives consumers the
 * same event to store once.
 */
@ApplicationScoped
class RestoreOutcomes {
  private static final Logger LOG = Logger.getLogger(RestoreOutcomes.class);

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
    catalog
        .complete(r.restoreId(), outcome, clock.instant(), undoDatabase, completedEvent(r, took))
        .await()
        .atMost(IoWaits.LIMIT);
    metrics.completed(r.database(), r.mode(), took);
    LOG.infof("restore %s of %s completed: %s", r.restoreId(), r.database(), outcome);
  }

  void failed(Restore r, String step, String reason) {
    catalog
        .fail(r.restoreId(), reason, clock.instant(), failedEvent(r, step, reason))
        .await()
        .atMost(IoWaits.LIMIT);
    metrics.failed(r.database());
    LOG.warnf("restore %s of %s failed at %s: %s", r.restoreId(), r.database(), step, reason);
  }

  void cancelled(Restore r, String by) {
    catalog
        .cancelled(r.restoreId(), "cancelled by " + by, clock.instant(), cancelledEvent(r, by))
        .await()
        .atMost(IoWaits.LIMIT);
    LOG.infof(
        "restore %s of %s cancelled by %s; the target is as it was",
        r.restoreId(), r.database(), by);
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
    announce(completedEvent(r, took));
  }

  private void announceFailed(Restore r, String step, String reason) {
    announce(failedEvent(r, step, reason));
  }

  private void announceCancelled(Restore r, String by) {
    announce(cancelledEvent(r, by));
  }

  private void announce(CloudEvent<?> event) {
    events.publish(event).await().atMost(IoWaits.LIMIT);
  }

  private CloudEvent<RestoreEvents.Completed> completedEvent(Restore r, Duration took) {
    return ending(
        EventType.RESTORE_COMPLETED,
        r,
        new RestoreEvents.Completed(
            r.restoreId(), r.backupId(), r.database(), took.toMillis(), r.mode()));
  }

  private CloudEvent<RestoreEvents.Failed> failedEvent(Restore r, String step, String reason) {
    return ending(
        EventType.RESTORE_FAILED,
        r,
        new RestoreEvents.Failed(r.restoreId(), r.backupId(), r.database(), step, reason));
  }

  /** The event of a restore cancelled before or while it ran; one id for both. */
  CloudEvent<RestoreEvents.Cancelled> cancelledEvent(Restore r, String by) {
    return ending(
        EventType.RESTORE_CANCELLED,
        r,
        new RestoreEvents.Cancelled(r.restoreId(), r.database(), by));
  }

  private <T extends EventData> CloudEvent<T> ending(EventType<T> type, Restore r, T data) {
    return events.eventOnce(type, r.correlationId(), data, r.restoreId());
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
