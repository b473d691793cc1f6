package dev.lifeboat.restore.events;

import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.InboundEvents;
import dev.lifeboat.restore.catalog.Execution;
import dev.lifeboat.restore.catalog.RestoreRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What restore-service learns from {@code lifeboat.events} (its own consumer group): the outcome of
 * safety backups, health-service's check after a restore, and its verdicts on stored backups.
 * Everything is recorded in the catalog, where the restores that wait for it look; nothing here
 * ever waits on a restore, and events about anything else pass by.
 */
@ApplicationScoped
public class RestoreEventsListener {
  public static final String CHANNEL = "events-in";
  private static final Logger LOG = Logger.getLogger(RestoreEventsListener.class);

  private final InboundEvents inbound;
  private final RestoreRepository catalog;

  public RestoreEventsListener(InboundEvents inbound, RestoreRepository catalog) {
    this.inbound = inbound;
    this.catalog = catalog;
  }

  @Incoming(CHANNEL)
  public Uni<Void> onEvent(Message<byte[]> message) {
    Uni<Void> work;
    try {
      work = handle(inbound.read(message));
    } catch (InvalidEventException e) {
      // audit-service dead-letters unreadable events; this consumer only passes them by.
      LOG.debugf("skipped an unreadable event: %s", e.getMessage());
      work = Uni.createFrom().voidItem();
    }
    return work.chain(() -> Uni.createFrom().completionStage(message.ack()));
  }

  private Uni<Void> handle(CloudEvent<EventData> event) {
    String correlation = event.correlationIdOrId();
    String type = event.type();
    EventData data = event.data();
    if (EventType.BACKUP_REQUESTED.name().equals(type)
        && data instanceof BackupEvents.Requested requested
        && requested.backupId() != null) {
      return catalog.safetyBackup(correlation, requested.backupId(), null, null);
    }
    if (EventType.BACKUP_COMPLETED.name().equals(type)
        && data instanceof BackupEvents.Completed completed) {
      return catalog.safetyBackup(correlation, completed.backupId(), "COMPLETED", null);
    }
    if (EventType.BACKUP_FAILED.name().equals(type) && data instanceof BackupEvents.Failed failed) {
      return catalog.safetyBackup(correlation, failed.backupId(), "FAILED", failed.reason());
    }
    if (EventType.HEALTH_CHECKED.name().equals(type)
        && data instanceof HealthEvents.Checked checked) {
      return catalog.healthChecked(
          correlation, new Execution.HealthCheck(checked.checkId(), checked.status().name()));
    }
    Instant at = event.time() == null ? Instant.now() : event.time().toInstant();
    if (EventType.BACKUP_VERIFIED.name().equals(type)
        && data instanceof HealthEvents.BackupVerified verified) {
      return catalog.verification(
          verified.database(),
          new RestoreRepository.Verification(
              verified.backupId(),
              verified.checksumOk()
                  && (verified.drill() == null
                      || verified.drill().restored() && verified.drill().rowCountsMatch()),
              verified.checksumOk() ? null : "checksum mismatch",
              verified.verificationId(),
              at));
    }
    if (EventType.BACKUP_VERIFICATION_FAILED.name().equals(type)
        && data instanceof HealthEvents.BackupVerificationFailed failed) {
      return catalog.verification(
          failed.database(),
          new RestoreRepository.Verification(
              failed.backupId(), false, failed.reason(), failed.verificationId(), at));
    }
    return Uni.createFrom().voidItem();
  }
}
