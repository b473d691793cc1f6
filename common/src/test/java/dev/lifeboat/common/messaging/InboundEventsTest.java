package dev.lifeboat.common.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InboundEventsTest {

  @Test
  void aReasonIsKeptAsItIsWhenShortAndPlain() {
    assertEquals(
        "unknown database \"shop\": not configured",
        InboundEvents.safeReason("unknown database \"shop\": not configured"));
  }

  @Test
  void aReasonQuotingALongValueWithALineBreakIsCutAndEscaped() {
    String reason = InboundEvents.safeReason("unknown restore rs_\nforged " + "x".repeat(100_000));

    assertTrue(reason.startsWith("unknown restore rs_\\u000aforged xxx"), reason);
    assertEquals(InboundEvents.MAX_REASON_CHARS + 3, reason.length());
    assertTrue(reason.endsWith("..."));
  }
}
