package dev.lifeboat.backup.retention;

import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Marks backups that health-service verified (or clears the mark when a later verification failed),
 * so that retention keeps the newest backup known to restore.
 */
@ApplicationScoped
public class VerificationListener {
  private static final Logger LOG = Logger.getLogger(VerificationListener.class);

  private final InboundEvents inbound;
  private final BackupRepository catalog;

  public VerificationListener(InboundEvents inbound, BackupRepository catalog) {
    this.inbound = inbound;
    this.catalog = catalog;
  }

  @Incoming("verifications")
  public Uni<Void> onEvent(Message<byte[]> message) {
    Uni<Void> work;
    try {
      var event = inbound.read(message);
      if (event.data() instanceof HealthEvents.BackupVerified verified
          && verified.checksumOk()
          && EventType.BACKUP_VERIFIED.name().equals(event.type())) {
        Instant at = event.time() == null ? Instant.now() : event.time().toInstant();
        work = catalog.markVerified(verified.backupId(), at);
      } else if (event.data() instanceof HealthEvents.BackupVerificationFailed failed) {
        work = catalog.markVerified(failed.backupId(), null);
      } else {
        work = Uni.createFrom().voidItem();
      }
    } catch (InvalidEventException e) {
      LOG.debugf("skipped an unreadable event: %s", e.getMessage());
      work = Uni.createFrom().voidItem();
    }
    return work.chain(() -> Uni.createFrom().completionStage(message.ack()));
  }
}
