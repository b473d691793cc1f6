package dev.lifeboat.backup.requests;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.databases.UnknownDatabaseException;
import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Backup commands from {@code lifeboat.backup.requests}: pipelines', the API's and the scheduler's.
 * A command is acknowledged (and its offset may commit) only when its backup completed or failed
 * for good; after a crash Kafka redelivers it and the same backup runs again, once.
 */
@ApplicationScoped
public class BackupRequestConsumer {
  public static final String CHANNEL = "backup-requests";
  private static final Logger LOG = Logger.getLogger(BackupRequestConsumer.class);
  private static final String UNIQUE_VIOLATION = "23505";

  private final InboundEvents inbound;
  private final TargetDatabases targets;
  private final BackupIntake intake;

  public BackupRequestConsumer(
      InboundEvents inbound, TargetDatabases targets, BackupIntake intake) {
    this.inbound = inbound;
    this.targets = targets;
    this.intake = intake;
  }

  @Incoming(CHANNEL)
  public Uni<Void> onCommand(Message<byte[]> message) {
    CloudEvent<BackupEvents.Requested> command;
    try {
      command = inbound.read(message, EventType.BACKUP_REQUESTED);
      if (!targets.contains(command.data().database())) {
        throw new InvalidEventException(
            new UnknownDatabaseException(command.data().database()).getMessage(),
            command.id(),
            command.type(),
            null);
      }
    } catch (InvalidEventException e) {
      return inbound.reject(message, e);
    }
    CloudEvent<BackupEvents.Requested> accepted = command;
    return intake
        .accept(accepted, () -> message.ack())
        .replaceWithVoid()
        .onFailure(this::takenBackupId)
        .recoverWithUni(
            e ->
                inbound.reject(
                    message,
                    new InvalidEventException(
                        "data.backupId "
                            + accepted.data().backupId()
                            + " already belongs to another request",
                        accepted.id(),
                        accepted.type(),
                        accepted.subject())))
        // The catalog is unreachable: hold the command (and the partition) until it is back,
        // rather than dead-letter a valid request.
        .onFailure()
        .invoke(
            e ->
                LOG.warnf("cannot record backup command %s yet: %s", accepted.id(), e.getMessage()))
        .onFailure()
        .retry()
        .withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30))
        .indefinitely();
  }

  private boolean takenBackupId(Throwable e) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }
}
