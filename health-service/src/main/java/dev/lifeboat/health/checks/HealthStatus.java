package dev.lifeboat.health.checks;

import dev.lifeboat.common.events.HealthEvents;
import java.util.List;

/** The status findings add up to. */
public final class HealthStatus {
  private HealthStatus() {}

  /** UNHEALTHY with any critical finding, DEGRADED with any warning, else HEALTHY. */
  public static HealthEvents.Status of(List<Finding> findings) {
    HealthEvents.Status status = HealthEvents.Status.HEALTHY;
    for (Finding f : findings) {
      if (f.severity() == Severity.CRITICAL) {
        return HealthEvents.Status.UNHEALTHY;
      }
      if (f.severity() == Severity.WARNING) {
        status = HealthEvents.Status.DEGRADED;
      }
    }
    return status;
  }
}
