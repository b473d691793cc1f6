package dev.lifeboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.common.api.Roles;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dashboard page in a real headless Chromium: it loads, shows the log, and follows it live. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = AuditDatabase.NAME)
    })
class DashboardBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final AuditDatabase db = new AuditDatabase();
  @Inject CloudEventCodec codec;

  @TestHTTPResource("/")
  URL page;

  @Test
  void thePageShowsBackupsHealthOpenRestoresTheChartAndAnEventPublishedWhileItIsOpen()
      throws Exception {
    SampleEvents samples = new SampleEvents(codec, TestServers.kafka());
    String database = "dash_" + UUID.randomUUID().toString().substring(0, 8);
    SampleEvents.About about = SampleEvents.About.fresh(database);
    List<CloudEvent<EventData>> before =
        List.of(
            samples.sample(EventType.BACKUP_COMPLETED, "dash-" + UUID.randomUUID(), "c1", about),
            samples.sample(EventType.HEALTH_CHECKED, "dash-" + UUID.randomUUID(), "c2", about),
            samples.sample(EventType.RESTORE_PLANNED, "dash-" + UUID.randomUUID(), "c3", about));
    samples.publish(before);
    before.forEach(e -> db.awaitStored(e.id()));

    // The page works under its Content-Security-Policy (no inline code, nothing from elsewhere):
    // the browser below enforces it.
    io.restassured.RestAssured.given()
        .get(page)
        .then()
        .statusCode(200)
        .header(
            "Content-Security-Policy",
            org.hamcrest.Matchers.containsString("script-src 'self'; style-src 'self'"))
        .header(
            "Content-Security-Policy",
            org.hamcrest.Matchers.containsString("frame-ancestors 'none'"));
    try (HeadlessChromium browser = new HeadlessChromium()) {
      browser.open(page + "#token=" + Tokens.forRoles("vera", Roles.VIEWER));
      try {
        shows(browser, samples, database, about);
      } finally {
        browser.screenshot(TestServers.baseDir().resolve("dashboard.png"));
      }
    }
  }

  private void shows(
      HeadlessChromium browser, SampleEvents samples, String database, SampleEvents.About about) {
    browser.await(
        "return document.getElementById('connection').textContent",
        v -> v.asText().equals("live"),
        WAIT);
    JsonNode backups =
        browser.await(
            "return document.getElementById('backups').innerText",
            v -> v.asText().contains(database),
            WAIT);
    assertTrue(backups.asText().contains(about.backupId()), backups.asText());
    assertTrue(backups.asText().contains("1.0 MiB"), "size: " + backups.asText());
    assertTrue(backups.asText().contains("ago"), "age: " + backups.asText());
    String health = browser.script("return document.getElementById('health').innerText").asText();
    assertTrue(health.contains(database) && health.contains("HEALTHY"), health);
    String restores =
        browser.script("return document.getElementById('restores').innerText").asText();
    assertTrue(restores.contains(about.restoreId()), restores);
    assertTrue(
        browser.script("return document.querySelectorAll('#chart svg rect.size').length").asInt()
            >= 1,
        "the chart has a bar per completed backup");
    assertEquals(
        "",
        browser.script("return location.hash").asText(),
        "the token is taken out of the address bar");
    assertEquals(
        "",
        browser
            .script(
                "return [...document.querySelectorAll('.panel')]"
                    + ".filter(p => p.scrollWidth > p.clientWidth)"
                    + ".map(p => p.querySelector('h2').textContent).join(', ')")
            .asText(),
        "no panel scrolls sideways in a 1280 px window");

    // Published while the page is open: the live feed shows it, and the panels follow.
    String liveBackup = "bk_20260103T101010Z_" + UUID.randomUUID().toString().substring(0, 8);
    CloudEvent<EventData> live =
        samples.sample(
            EventType.BACKUP_COMPLETED,
            "live-" + UUID.randomUUID(),
            "c4",
            new SampleEvents.About(database, liveBackup, about.restoreId(), about.migration()));
    samples.publish(live);
    JsonNode row =
        browser.await(
            "const r = document.querySelector('#feed tr[data-event-id=\""
                + live.id()
                + "\"]');"
                + " return r ? r.innerText : null",
            v -> !v.isNull(),
            WAIT);
    assertTrue(row.asText().contains("backup.completed"), row.asText());
    assertTrue(row.asText().contains(liveBackup), row.asText());
    browser.await(
        "return document.getElementById('backups').innerText",
        v -> v.asText().contains(liveBackup),
        WAIT);
    assertTrue(
        browser.script("return document.querySelectorAll('#chart svg rect.size').length").asInt()
            >= 2);
  }

  @Test
  void withoutATokenThePageAsksForOne() throws Exception {
    try (HeadlessChromium browser = new HeadlessChromium()) {
      browser.open(page.toString());
      browser.await(
          "return !document.getElementById('sign-in').hidden"
              + " && document.getElementById('dashboard').hidden",
          JsonNode::asBoolean,
          WAIT);
      browser.open(page + "#token=not-a-token");
      JsonNode error =
          browser.await(
              "return document.getElementById('sign-in-error').textContent",
              v -> !v.asText().isEmpty(),
              WAIT);
      assertTrue(error.asText().contains("refused"), error.asText());
    }
  }
}
