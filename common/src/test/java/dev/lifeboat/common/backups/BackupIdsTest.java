package dev.lifeboat.common.backups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackupIdsTest {

  @Test
  void readsAsTheUtcSecondItWasMade() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T14:30:22.987Z"), ZoneOffset.ofHours(5));
    String id = BackupIds.next(clock);
    assertTrue(id.startsWith("bk_20260102T143022Z_"), id);
    assertEquals("bk_20260102T143022Z_".length() + 8, id.length());
    assertTrue(BackupIds.isValid(id));
  }

  @Test
  void sortsByTimeAndDiffersWithinASecond() {
    Clock earlier = Clock.fixed(Instant.parse("2026-01-02T09:59:59Z"), ZoneOffset.UTC);
    Clock later = Clock.fixed(Instant.parse("2026-01-02T10:00:00Z"), ZoneOffset.UTC);
    assertTrue(BackupIds.next(earlier).compareTo(BackupIds.next(later)) < 0);

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(BackupIds.next(later));
    }
    assertEquals(1000, ids.size());
    assertNotEquals(BackupIds.next(later), BackupIds.next(later));
  }

  @Test
  void rejectsLookAlikes() {
    for (String id :
        new String[] {
          null,
          "",
          "bk_20260102T143022Z_1A2B3C4D",
          "bk_20260102T143022Z_1a2b3c4",
          "bk_20260102T143022_1a2b3c4d",
          "bk_20260102T143022Z_1a2b3c4d/../x",
          "../bk_20260102T143022Z_1a2b3c4d",
          "bk_20260102T143022Z_1a2b3c4d\n"
        }) {
      assertFalse(BackupIds.isValid(id), String.valueOf(id));
    }
  }
}
