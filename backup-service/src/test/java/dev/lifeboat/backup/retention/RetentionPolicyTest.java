package dev.lifeboat.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.archive.Manifest;
import dev.lifeboat.backup.catalog.Backup;
import dev.lifeboat.backup.catalog.BackupStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  /** A completed backup taken {@code daysAgo} days ago. */
  private static Backup backup(String id, int daysAgo, boolean pinned, boolean verified) {
    Instant taken = NOW.minus(Duration.ofDays(daysAgo));
    var manifest =
        new Manifest(
            1,
            id,
            "app",
            taken,
            taken.plusSeconds(60),
            "15.4",
            Manifest.FORMAT,
            Manifest.COMPRESSION,
            null,
            null,
            "app/" + id + "/dump",
            10,
            "ab",
            20,
            List.of(),
            null,
            null,
            Map.of(),
            null,
            "c-" + id,
            pinned);
    return new Backup(
        id,
        "app",
        "cmd-" + id,
        "c-" + id,
        BackupStatus.COMPLETED,
        null,
        null,
        null,
        Map.of(),
        taken,
        taken,
        taken.plusSeconds(60),
        20,
        10,
        0,
        null,
        pinned,
        verified ? taken.plusSeconds(3600) : null,
        manifest,
        null,
        null);
  }

  private static List<String> deleted(
      List<Backup> backups, int keepLast, Optional<Duration> maxAge) {
    return RetentionPolicy.select(backups, keepLast, maxAge, NOW).stream()
        .map(d -> d.backup().backupId())
        .sorted()
        .toList();
  }

  private static List<Backup> daily(int count) {
    List<Backup> backups = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      backups.add(backup("d" + i, i, false, false));
    }
    return backups;
  }

  @Test
  void keepsTheNewestSevenAsTheRunbooksDo() {
    assertEquals(List.of("d7", "d8", "d9"), deleted(daily(10), 7, Optional.empty()));
    assertEquals(List.of(), deleted(daily(7), 7, Optional.empty()));
  }

  @Test
  void neverDeletesPinnedBackupsOrTheNewestVerifiedOne() {
    List<Backup> backups = daily(10);
    backups.set(9, backup("d9", 9, true, false));
    backups.set(8, backup("d8", 8, false, true));
    backups.set(7, backup("d7", 7, false, true));
    assertEquals(
        List.of("d8"),
        deleted(backups, 7, Optional.empty()),
        "d7 is the newest verified, d9 pinned");
  }

  @Test
  void deletesBackupsOlderThanMaxAgeButNeverTheNewest() {
    assertEquals(
        List.of("d3", "d4", "d5"),
        deleted(daily(6), 7, Optional.of(Duration.ofDays(2).plusHours(1))));

    List<Backup> stale =
        List.of(backup("old0", 40, false, false), backup("old1", 41, false, false));
    assertEquals(
        List.of("old1"), deleted(stale, 7, Optional.of(Duration.ofDays(30))), "the newest stays");
  }

  @Test
  void theReasonSaysWhichRule() {
    var decisions = RetentionPolicy.select(daily(3), 2, Optional.empty(), NOW);
    assertEquals(1, decisions.size());
    assertTrue(decisions.get(0).reason().contains("keep-last 2"), decisions.get(0).reason());
  }

  @Test
  void ordersByWhenTheDataIsFromNotByListOrder() {
    List<Backup> shuffled = new ArrayList<>(daily(4));
    java.util.Collections.reverse(shuffled);
    assertEquals(List.of("d2", "d3"), deleted(shuffled, 2, Optional.empty()));
  }
}
