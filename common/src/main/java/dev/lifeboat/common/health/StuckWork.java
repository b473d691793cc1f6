package dev.lifeboat.common.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Work that stopped where it should not have (a worker that died, a command left unacknowledged
 * until a restart redelivers it). A log line alone is what an operator never sees: while any work
 * is stuck, readiness is DOWN with each item and its reason, and the gauge {@code
 * lifeboat_stuck_work} that the alert LifeboatWorkStuck reads is above zero.
 */
// @Default beside @Readiness: the workers inject it to report, the health endpoint reads it.
@Readiness
@Default
@ApplicationScoped
public class StuckWork implements HealthCheck {
  private static final Logger LOG = Logger.getLogger(StuckWork.class);

  private final Map<String, String> stuck = new ConcurrentHashMap<>();

  public StuckWork(MeterRegistry registry) {
    Gauge.builder("lifeboat.stuck.work", stuck, Map::size)
        .description("Work items stopped where they should not have (see readiness for why)")
        .register(registry);
  }

  /** {@code work} (for example "restore rs_…") stopped for {@code cause}. */
  public void stuck(String work, Throwable cause) {
    String reason =
        cause.getMessage() == null || cause.getMessage().isBlank()
            ? cause.getClass().getSimpleName()
            : cause.getMessage();
    stuck.put(work, reason);
    LOG.errorf(
        cause,
        "%s is stuck (it runs again after a pause, or when the service restarts): %s",
        work,
        reason);
  }

  /** {@code work} went on after all. */
  public void resumed(String work) {
    stuck.remove(work);
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("stuck-work");
    stuck.forEach(response::withData);
    return response.status(stuck.isEmpty()).build();
  }
}
