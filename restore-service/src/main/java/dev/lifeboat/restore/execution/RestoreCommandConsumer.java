package dev.lifeboat.restore.execution;

import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.InvalidEventException;
import dev.lifeboat.common.health.StuckWork;
import dev.lifeboat.common.messaging.InboundEvents;
import dev.lifeboat.common.work.WorkerThreads;
import dev.lifeboat.restore.RestoreConfig;
import dev.lifeboat.restore.catalog.RestoreRepository;
import dev.lifeboat.restore.catalog.RestoreStatus;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Executes confirmed restores from {@code lifeboat.restore.commands}. A command is acknowledged
 * when its restore ended and the end is announced; after a crash it is redelivered.
 */
@ApplicationScoped
public class RestoreCommandConsumer {

  private final InboundEvents inbound;
  private final RestoreRepository catalog;
  private final RestoreExecutor executor;
  private final ExecutorService workers;
  private final StuckWork stuckWork;

  public RestoreCommandConsumer(
      InboundEvents inbound,
      RestoreRepository catalog,
      RestoreExecutor executor,
      RestoreConfig config,
      StuckWork stuckWork) {
    this.stuckWork = stuckWork;
    this.inbound = inbound;
    this.catalog = catalog;
    this.executor = executor;
    this.workers = WorkerThreads.fixed("restore-worker", config.maxConcurrent());
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
              if (found.get().status() == RestoreStatus.AWAITING_CONFIRMATION) {
                return Uni.createFrom().completionStage(message.ack());
              }
              // A restore that ended is announced again (its terminal event may have been lost in
              // a crash); a running one is waited for; a confirmed one runs.
              workers.execute(() -> executeUntilEnded(restoreId, message));
              return Uni.createFrom().voidItem();
            });
  }

  /**
   * Executes the command until its restore has ended. An error outside the restore's steps (the
   * control database away, say) leaves the restore RUNNING and its command unacknowledged: it is
   * reported stuck and executed again after a pause, as a restart would redeliver it, so that
   * recovery reads from the server what happened, instead of waiting for a restart that readiness
   * alone never brings.
   */
  private void executeUntilEnded(String restoreId, Message<byte[]> message) {
    for (long pause = 1_000; ; pause = Math.min(pause * 2, 30_000)) {
      try {
        if (executor.execute(restoreId)) {
          message.ack();
        }
        stuckWork.resumed("restore " + restoreId);
        return;
      } catch (RuntimeException e) {
        stuckWork.stuck("restore " + restoreId, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @PreDestroy
  void stop() {
    workers.shutdownNow();
  }
}
