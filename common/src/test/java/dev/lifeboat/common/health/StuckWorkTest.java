package dev.lifeboat.common.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class StuckWorkTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final StuckWork stuck = new StuckWork(registry);

  private double gauge() {
    return registry.get("lifeboat.stuck.work").gauge().value();
  }

  @Test
  void stuckWorkTurnsReadinessDownWithItsReasonAndRaisesTheGauge() {
    assertEquals(HealthCheckResponse.Status.UP, stuck.call().getStatus());
    assertEquals(0, gauge());

    stuck.stuck("restore rs_1", new IllegalStateException("control database away"));
    HealthCheckResponse down = stuck.call();
    assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
    assertEquals("control database away", down.getData().orElseThrow().get("restore rs_1"));
    assertEquals(1, gauge());

    stuck.resumed("restore rs_1");
    assertEquals(HealthCheckResponse.Status.UP, stuck.call().getStatus());
    assertEquals(0, gauge());
  }
}
