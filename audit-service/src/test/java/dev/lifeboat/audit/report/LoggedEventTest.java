package dev.lifeboat.audit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.store.StoredEntry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoggedEventTest {
  private static LoggedEvent healthChecked(int findings) {
    OffsetDateTime t = OffsetDateTime.of(2026, 1, 3, 9, 0, 0, 0, ZoneOffset.UTC);
    String payload =
        "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/lifeboat/health-service\","
            + "\"type\":\"dev.lifeboat.health.checked\",\"subject\":\"app\",\"data\":"
            + "{\"checkId\":\"ck_1\",\"database\":\"app\",\"status\":\"DEGRADED\",\"findings\":"
            + findings
            + ",\"baselineBackupId\":\"bk_1\"}}";
    return LoggedEvent.of(
        new StoredEntry(
            1,
            "e1",
            Kind.EVENT,
            "dev.lifeboat.health.checked",
            "app",
            "ck_1",
            t,
            t,
            null,
            "/lifeboat/health-service",
            null,
            "bk_1",
            "lifeboat.events",
            0,
            1,
            null,
            payload));
  }

  @Test
  void aCheckSaysHowManyFindingsInGoodEnglish() {
    assertEquals(
        "health check ck_1: DEGRADED (1 finding, against backup bk_1)", healthChecked(1).summary());
    assertEquals(
        "health check ck_1: DEGRADED (3 findings, against backup bk_1)",
        healthChecked(3).summary());
    assertEquals(
        "health check ck_1: DEGRADED (0 findings, against backup bk_1)",
        healthChecked(0).summary());
  }
}
