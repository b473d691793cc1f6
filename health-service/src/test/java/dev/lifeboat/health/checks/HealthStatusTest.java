package dev.lifeboat.health.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.common.events.HealthEvents.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthStatusTest {
  private static Finding finding(Severity severity) {
    return Finding.of("x", severity, "m");
  }

  @Test
  void theWorstFindingDecides() {
    assertEquals(Status.HEALTHY, HealthStatus.of(List.of()));
    assertEquals(Status.HEALTHY, HealthStatus.of(List.of(finding(Severity.INFO))));
    assertEquals(
        Status.DEGRADED,
        HealthStatus.of(List.of(finding(Severity.INFO), finding(Severity.WARNING))));
    assertEquals(
        Status.UNHEALTHY,
        HealthStatus.of(
            List.of(
                finding(Severity.WARNING), finding(Severity.CRITICAL), finding(Severity.INFO))));
  }
}
