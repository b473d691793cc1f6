package dev.lifeboat.common.probe;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.databases.UnknownDatabaseException;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.InboundEvents;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A consumer written the way services write theirs: read, reject what is invalid, go on. */
@ApplicationScoped
public class TestCommandConsumer {
  private final InboundEvents inbound;
  private final TargetDatabases targets;
  private final List<CloudEvent<?>> accepted = new CopyOnWriteArrayList<>();

  public TestCommandConsumer(InboundEvents inbound, TargetDatabases targets) {
    this.inbound = inbound;
    this.targets = targets;
  }

  @Incoming("test-commands")
  public Uni<Void> consume(Message<byte[]> message) {
    try {
      var command = inbound.read(message, EventType.BACKUP_REQUESTED);
      if (!targets.contains(command.data().database())) {
        throw new InvalidEventException(
            new UnknownDatabaseException(command.data().database()).getMessage(),
            command.id(),
            command.type(),
            null);
      }
      accepted.add(command);
      return Uni.createFrom().completionStage(message.ack());
    } catch (InvalidEventException e) {
      return inbound.reject(message, e);
    }
  }

  public List<CloudEvent<?>> accepted() {
    return accepted;
  }
}
