package dev.lifeboat.cli.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.cli.Samples;
import dev.lifeboat.cli.api.ApiClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PlanViewTest {
  static final String PLAN = Samples.PLAN;

  private static String render(String json) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlanView.print(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        ApiClient.JSON.readTree(json),
        Instant.parse("2026-01-02T15:12:01Z"));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void thePlanShowsItsStepsAndTheRowsNowAgainstTheBackup() throws Exception {
    String text = render(PLAN);
    assertTrue(
        text.startsWith(
            "Restore plan rs_20260102T151201Z_9f3a2c11 [AWAITING_CONFIRMATION]\n"
                + "  database       app\n"
                + "  backup         bk_20260102T143022Z_1a2b3c4d, taken 2026-01-02 14:30:22Z"
                + " (41m 38s ago)\n"),
        text);
    assertTrue(text.contains("  1. verify-checksum  check the stored backup's SHA-256\n"), text);
    assertTrue(text.contains("  3. swap             rename app to app_pre_<restoreId>\n"), text);
    assertTrue(
        text.contains(
            """
            Data loss: app has changed in the 41m 39s since the backup; restoring replaces all of it:
              TABLE           ROWS NOW  IN BACKUP  DIFFERENCE
              public.coupons         2          -  created since the backup
              public.legacy          -          7  dropped since the backup
              public.orders     10,412     10,388  +24
              public.users         100        100  =
              3 of 4 table(s) differ from the backup; what they hold now that the backup does not will be lost.
            """),
        text);
    assertTrue(
        text.endsWith("Warnings:\n  ! 3 sessions are connected to app; the swap ends them\n"),
        text);
  }

  @Test
  void aNewDatabaseLosesNothing() throws Exception {
    String text =
        render(
            PLAN.replace(
                "\"mode\":\"SWAP\"", "\"mode\":\"NEW_DATABASE\",\"newDatabase\":\"app_copy\""));
    assertTrue(
        text.contains(
            "  mode           NEW_DATABASE: restore into the new database app_copy; app is left"
                + " untouched\n"),
        text);
    assertTrue(text.contains("Data loss: none; app is left untouched."), text);
    assertTrue(text.contains("  3 of 4 table(s) differ from the backup.\n"), text);
  }

  @Test
  void differences() throws Exception {
    var json = ApiClient.JSON;
    assertEquals("-1,250", PlanView.difference(json.readTree("1000"), json.readTree("2250")));
    assertEquals("=", PlanView.difference(json.readTree("5"), json.readTree("5")));
  }
}
