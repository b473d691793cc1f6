package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void httpStatusesMapToTheDocumentedCodes() {
    assertEquals(ExitCodes.USAGE, ExitCodes.forHttpStatus(400));
    assertEquals(ExitCodes.AUTH, ExitCodes.forHttpStatus(401));
    assertEquals(ExitCodes.AUTH, ExitCodes.forHttpStatus(403));
    assertEquals(ExitCodes.NOT_FOUND, ExitCodes.forHttpStatus(404));
    assertEquals(ExitCodes.CONFLICT, ExitCodes.forHttpStatus(409));
    assertEquals(ExitCodes.UNREACHABLE, ExitCodes.forHttpStatus(503));
    assertEquals(ExitCodes.UNREACHABLE, ExitCodes.forHttpStatus(502));
    assertEquals(ExitCodes.SERVICE_ERROR, ExitCodes.forHttpStatus(500));
    assertEquals(ExitCodes.SERVICE_ERROR, ExitCodes.forHttpStatus(418));
  }

  @Test
  void theCodesAreDistinctAndStable() {
    // Scripts depend on these numbers; docs/cli.md lists them.
    assertEquals(0, ExitCodes.OK);
    assertEquals(1, ExitCodes.FAILED);
    assertEquals(2, ExitCodes.USAGE);
    assertEquals(3, ExitCodes.NOT_FOUND);
    assertEquals(4, ExitCodes.AUTH);
    assertEquals(5, ExitCodes.CONFLICT);
    assertEquals(6, ExitCodes.UNREACHABLE);
    assertEquals(7, ExitCodes.SERVICE_ERROR);
    assertEquals(8, ExitCodes.ABORTED);
  }
}
