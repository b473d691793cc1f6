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
  void typesMayBeTypedShort() {
    assertEquals("dev.lifeboat.restore.failed", EventLine.fullType("restore.failed"));
    assertEquals("dev.lifeboat.restore.failed", EventLine.fullType("dev.lifeboat.restore.failed"));
    assertEquals("health.checked", EventLine.shortType("dev.lifeboat.health.checked"));
  }
}
