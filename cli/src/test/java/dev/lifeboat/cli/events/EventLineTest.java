package dev.lifeboat.cli.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.cli.api.ApiClient;
import org.junit.jupiter.api.Test;

class EventLineTest {
  @Test
  void anEventIsOneLineWithWhatItConcerns() throws Exception {
    var event =
        ApiClient.JSON.readTree(
            """
            {"specversion":"1.0","id":"e1","source":"/lifeboat/backup-service","type":"dev.lifeboat.backup.completed",
             "subject":"app","time":"2026-01-02T14:30:40.120Z","correlationid":"c1","auditseq":12,
             "data":{"backupId":"bk_20260102T143022Z_1a2b3c4d","database":"app","sizeBytes":1572864,
                     "migration":"20260103_add_escrow_status","reason":"pre migration"}}""");
    assertEquals(
        "2026-01-02 14:30:40Z  backup.completed              app             "
            + "bk_20260102T143022Z_1a2b3c4d migration=20260103_add_escrow_status"
            + " reason=\"pre migration\" size=1.5 MiB",
        EventLine.format(event));
  }

  @Test
  void anAuditLogEntryShowsTheEventItHolds() throws Exception {
    var entry =
        ApiClient.JSON.readTree(
            """
            {"auditseq":41,"kind":"EVENT","type":"dev.lifeboat.restore.failed","database":"app",
             "correlationId":"rs_1","time":"2026-01-02T15:20:00Z","storedAt":"2026-01-02T15:20:01Z",
             "event":{"specversion":"1.0","id":"e9","type":"dev.lifeboat.restore.failed","subject":"app",
                      "data":{"restoreId":"rs_20260102T151201Z_9f3a2c11","database":"app","step":"verify-rows",
                              "reason":"orders has 3 rows, the manifest 5"}}}""");
    assertEquals(
        "2026-01-02 15:20:00Z  restore.failed                app             "
            + "rs_20260102T151201Z_9f3a2c11 step=verify-rows reason=\"orders has 3 rows, the"
            + " manifest 5\"",
        EventLine.format(entry));
    assertEquals("41", EventLine.key(entry));
    assertEquals("rs_1", EventLine.correlationId(entry));

    var deadLetter =
        ApiClient.JSON.readTree(
            """
            {"auditseq":42,"kind":"DEAD_LETTER","time":"2026-01-02T15:21:00Z",
             "reason":"not a CloudEvent","event":"garbage"}""");
    assertEquals(
        "2026-01-02 15:21:00Z  dead-letter                   -               reason=\"not a"
            + " CloudEvent\"",
        EventLine.format(deadLetter));
  }

  @Test
  void typesMayBeTypedShort() {
    assertEquals("dev.lifeboat.restore.failed", EventLine.fullType("restore.failed"));
    assertEquals("dev.lifeboat.restore.failed", EventLine.fullType("dev.lifeboat.restore.failed"));
    assertEquals("health.checked", EventLine.shortType("dev.lifeboat.health.checked"));
  }
}
