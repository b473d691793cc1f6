package dev.lifeboat.backup.retention;

import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupRepository;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Marks backups that health-service verified (or clears the mark when a later verification failed),
 * so that retention keeps the newest backup known to restore. A verdict counts only when it names
 * the sha256 of the backup's manifest: what was verified must be what the catalog holds.
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
        work =
            catalog.find(verified.backupId()).chain(backup -> markVerified(verified, backup, at));
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

  /**
   * A verdict counts only for the bytes it was about: its sha256 must be the one the backup's
   * manifest names. One without a sha256, or with another, is logged and ignored.
   */
  private Uni<Void> markVerified(
      HealthEvents.BackupVerified verified, Optional<Backup> backup, Instant at) {
    String expected = backup.map(Backup::manifest).map(manifest -> manifest.sha256()).orElse(null);
    if (expected == null) {
      LOG.debugf(
          "ignored verification %s: backup %s has no manifest here",
          verified.verificationId(), verified.backupId());
      return Uni.createFrom().voidItem();
    }
    if (!expected.equals(verified.sha256())) {
      LOG.warnf(
          "ignored verification %s of backup %s: it names sha256 %s, the manifest %s",
          verified.verificationId(), verified.backupId(), verified.sha256(), expected);
      return Uni.createFrom().voidItem();
    }
    return catalog.markVerified(verified.backupId(), at);
  }
}
