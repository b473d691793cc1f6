package dev.lifeboat.common.failpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FailpointsTest {
  @Test
  void namesAreCommaSeparatedAndTrimmed() {
    assertEquals(
        Set.of("restore.in-swap", "backup.after-upload"),
        Failpoints.parse(" restore.in-swap, backup.after-upload ,,"));
  }

  @Test
  void unsetOrBlankArmsNothing() {
    assertEquals(Set.of(), Failpoints.parse(null));
    assertEquals(Set.of(), Failpoints.parse("  "));
  }
}
