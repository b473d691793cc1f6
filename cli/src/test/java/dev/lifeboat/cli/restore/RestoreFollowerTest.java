package dev.lifeboat.cli.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lifeboat.cli.api.ApiClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreFollowerTest {
  @Test
  void aStepSaysWhatItDoesWhenItStartsAndHowLongItTookWhenItEnds() {
    Map<String, Instant> running = new HashMap<>();
    assertEquals(
        "  [RUNNING]   restore-scratch: restore the backup into a scratch database",
        RestoreFollower.stepLine(
            "restore-scratch",
            "RUNNING",
            "restore the backup into a scratch database",
            running,
            Instant.parse("2026-01-02T15:00:00Z")));
    assertEquals(
        "  [DONE]      restore-scratch (1m 5s)",
        RestoreFollower.stepLine(
            "restore-scratch", "DONE", "", running, Instant.parse("2026-01-02T15:01:05Z")));
    assertEquals(
        "  [HEALTHY]   health-check",
        RestoreFollower.stepLine(
            "health-check", "HEALTHY", "", running, Instant.parse("2026-01-02T15:01:06Z")));
  }

  @Test
  void theDataProgressComesFromTheRestoresProgress() throws Exception {
    assertEquals(
        "  restore-scratch [=========>              ]  40%  70.0 MiB of 175 MiB, 3/7 tables",
        RestoreFollower.progressLine(
            ApiClient.JSON.readTree(
                """
                {"step":"restore-scratch","bytesRestored":73400320,"bytesTotal":183500800,
                 "tablesRestored":3,"tablesTotal":7,"percent":40}""")));
    assertNull(RestoreFollower.progressLine(ApiClient.JSON.readTree("null")));
  }
}
