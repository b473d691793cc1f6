package dev.lifeboat.restore.execution;

import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.messaging.InboundEvents;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Executes confirmed restores from {@code lifeboat.restore.commands}. A command is acknowledged
 * when its restore finished; after a crash it is redelivered.
 */
@ApplicationScoped
public class RestoreCommandConsumer {
  private static final Logger LOG = Logger.getLogger(RestoreCommandConsumer.class);

  private final InboundEvents inbound;
  private final RestoreRepository catalog;
  private final RestoreExecutor executor;
  private final ExecutorService workers;

  public RestoreCommandConsumer(
      InboundEvents inbound,
      RestoreRepository catalog,
      RestoreExecutor executor,
      RestoreConfig config) {
    this.inbound = inbound;
    this.catalog = catalog;
    this.executor = executor;
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, config.maxConcurrent()),
            r -> {
              Thread t = new Thread(r, "restore-worker");
              t.setDaemon(true);
              return t;
            });
  }

  @Incoming("restore-command-in")
  public Uni<Void> onCommand(Message<byte[]> message) {
    String restoreId;
    try {
      restoreId = inbound.read(message, EventType.RESTORE_CONFIRMED).data().restoreId();
    } catch (InvalidEventException e) {
      return inbound.reject(message, e);
    }
    return catalog
        .find(restoreId)
        .chain(
            found -> {
              if (found.isEmpty()) {
                return inbound.reject(
                    message, new InvalidEventException("unknown restore " + restoreId));
              }
              var restore = found.get();
              if (restore.status() != RestoreStatus.CONFIRMED
                  && restore.status() != RestoreStatus.RUNNING) {
                return Uni.createFrom().completionStage(message.ack());
              }
              workers.execute(
                  () -> {
                    try {
                      if (executor.execute(restore)) {
                        message.ack();
                      }
                    } catch (RuntimeException e) {
                      LOG.errorf(
                          e,
                          "restore %s stopped unexpectedly; its command is redelivered after a restart",
                          restoreId);
                    }
                  });
              return Uni.createFrom().voidItem();
            });
  }

  @PreDestroy
  void stop() {
    workers.shutdownNow();
  }
}
