package dev.lifeboat.common.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class CloudEventOnceIdTest {
  private static final String BACKUP = "bk_20260102T143022Z_0a1b2c3d";

  @Test
  void theSameEventAboutTheSameWorkHasTheSameId() {
    assertEquals(
        CloudEvent.onceId(EventType.BACKUP_COMPLETED, BACKUP),
        CloudEvent.onceId(EventType.BACKUP_COMPLETED, BACKUP));
    assertEquals(
        UUID.nameUUIDFromBytes(("dev.lifeboat.backup.completed/" + BACKUP).getBytes(UTF_8))
            .toString(),
        CloudEvent.onceId(EventType.BACKUP_COMPLETED, BACKUP));
  }

  @Test
  void anotherTypeOrAnotherBackupHasAnotherId() {
    String completed = CloudEvent.onceId(EventType.BACKUP_COMPLETED, BACKUP);
    assertNotEquals(completed, CloudEvent.onceId(EventType.BACKUP_FAILED, BACKUP));
    assertNotEquals(
        completed, CloudEvent.onceId(EventType.BACKUP_COMPLETED, "bk_20260102T143022Z_0a1b2c3e"));
  }

  @Test
  void withIdChangesOnlyTheId() {
    var event =
        CloudEvent.create(
            EventType.BACKUP_FAILED,
            "/lifeboat/backup-service",
            "corr-1",
            new BackupEvents.Failed(BACKUP, "app", "disk full"));
    var again = event.withId("fixed");
    assertEquals("fixed", again.id());
    assertEquals(event, again.withId(event.id()));
  }
}
