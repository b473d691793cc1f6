package dev.lifeboat.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void bytesInBinaryUnits() {
    assertEquals("0 B", Units.bytes(0));
    assertEquals("1023 B", Units.bytes(1023));
    assertEquals("1.5 KiB", Units.bytes(1536));
    assertEquals("312 MiB", Units.bytes(312L * 1024 * 1024 + 400_000));
    assertEquals("80.1 MiB", Units.bytes((long) (80.1 * 1024 * 1024)));
    assertEquals("2.0 GiB", Units.bytes(2L << 30));
    assertEquals("41.2 MiB/s", Units.rate((long) (41.2 * 1024 * 1024)));
  }

  @Test
  void durationsShortestFirst() {
    assertEquals("45s", Units.duration(Duration.ofSeconds(45)));
    assertEquals("12m 5s", Units.duration(Duration.ofSeconds(12 * 60 + 5)));
    assertEquals("41m", Units.duration(Duration.ofMinutes(41)));
    assertEquals("3h 2m", Units.duration(Duration.ofMinutes(182)));
    assertEquals("4d 6h", Units.duration(Duration.ofHours(102)));
    assertEquals("0s", Units.duration(Duration.ofSeconds(-3)));
    assertEquals(
        "41m ago",
        Units.ago(Instant.parse("2026-01-02T14:30:22Z"), Instant.parse("2026-01-02T15:11:22Z")));
  }

  @Test
  void durationsAsPeopleTypeThem() {
    assertEquals(Duration.ofHours(26), Units.parseDuration("26h"));
    assertEquals(Duration.ofMinutes(30), Units.parseDuration("30m"));
    assertEquals(Duration.ofDays(7), Units.parseDuration("7d"));
    assertEquals(Duration.ofDays(14), Units.parseDuration("2w"));
    assertEquals(Duration.ofSeconds(90), Units.parseDuration("90s"));
    assertEquals(Duration.ofHours(1), Units.parseDuration("PT1H"));
    assertNull(Units.parseDuration("yesterday"));
  }

  @Test
  void instantsFromTheApis() {
    assertEquals(
        Instant.parse("2026-01-02T14:30:22.481Z"), Units.instant("2026-01-02T14:30:22.481Z"));
    assertEquals(Instant.parse("2026-01-02T13:30:22Z"), Units.instant("2026-01-02T14:30:22+01:00"));
    assertNull(Units.instant("soon"));
    assertNull(Units.instant(null));
    assertEquals("2026-01-02 14:30:22Z", Units.time(Instant.parse("2026-01-02T14:30:22.481Z")));
    assertEquals("1,234,567", Units.count(1234567));
  }
}
