package dev.lifeboat.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/events}: filters, cursor pagination, roles, validation. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = AuditDatabase.NAME)
    })
class EventQueryIT {
  private final AuditDatabase db = new AuditDatabase();
  @Inject CloudEventCodec codec;
  private SampleEvents samples;
  private String database;
  private final List<CloudEvent<EventData>> published = new ArrayList<>();

  private static String viewer() {
    return "Bearer " + Tokens.forRoles("vera", Roles.VIEWER);
  }

  /**
   * 25 events of one database, one every minute of 2026-01-02 from 10:00, alternately
   * backup.progress and health.checked, every fifth in correlation "corr-q"; and 3 of another.
   */
  @BeforeEach
  void publish() {
    samples = new SampleEvents(codec, TestServers.kafka());
    database = "q_" + UUID.randomUUID().toString().substring(0, 8);
    SampleEvents.About about = SampleEvents.About.fresh(database);
    OffsetDateTime start = OffsetDateTime.of(2026, 1, 2, 10, 0, 0, 0, ZoneOffset.UTC);
    for (int i = 0; i < 25; i++) {
      EventType<?> type = i % 2 == 0 ? EventType.BACKUP_PROGRESS : EventType.HEALTH_CHECKED;
      CloudEvent<EventData> e =
          samples.sample(type, database + "-" + i, i % 5 == 0 ? "corr-q" : "corr-" + i, about);
      published.add(
          new CloudEvent<>(
              e.specversion(),
              e.id(),
              e.source(),
              e.type(),
              e.subject(),
              start.plusMinutes(i),
              e.datacontenttype(),
              e.correlationid(),
              e.data()));
    }
    SampleEvents.About other = SampleEvents.About.fresh("other_" + database.substring(2));
    for (int i = 0; i < 3; i++) {
      published.add(
          samples.sample(EventType.HEALTH_CHECKED, "other-" + UUID.randomUUID(), "corr-q", other));
    }
    samples.publish(published);
    for (var e : published) {
      db.awaitStored(e.id());
    }
  }

  private JsonPath page(String query) {
    return given()
        .header("Authorization", viewer())
        .when()
        .get("/api/v1/events?" + query)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void pagesFollowTheCursorOldestFirstWithoutSkippingOrRepeating() {
    List<String> ids = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonPath page =
          page("database=" + database + "&limit=10" + (cursor == null ? "" : "&cursor=" + cursor));
      ids.addAll(page.getList("events.event.id", String.class));
      seqs.addAll(page.getList("events.auditseq", Long.class));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null);
    assertEquals(3, pages);
    assertEquals(published.subList(0, 25).stream().map(CloudEvent::id).toList(), ids, "in order");
    for (int i = 1; i < seqs.size(); i++) {
      assertTrue(seqs.get(i) > seqs.get(i - 1), "auditseq increases");
    }
    // A page the cursor leads to is the same when asked again: the order is stable.
    JsonPath again = page("database=" + database + "&limit=10&cursor=" + seqs.get(9));
    assertEquals(ids.subList(10, 20), again.getList("events.event.id", String.class));
  }

  @Test
  void filtersCombine() {
    JsonPath byType = page("database=" + database + "&type=dev.lifeboat.health.checked&limit=1000");
    assertEquals(12, byType.getList("events").size());
    assertEquals(
        List.of("dev.lifeboat.health.checked"),
        byType.getList("events.type", String.class).stream().distinct().toList());

    JsonPath byCorrelation = page("correlationId=corr-q&database=" + database);
    assertEquals(
        List.of(
            database + "-0", database + "-5", database + "-10", database + "-15", database + "-20"),
        byCorrelation.getList("events.event.id", String.class));

    // since is inclusive, until exclusive: 10:05 .. 10:09 are events 5..9.
    JsonPath byTime =
        page("database=" + database + "&since=2026-01-02T10:05:00Z&until=2026-01-02T10:10:00Z");
    assertEquals(
        List.of(5, 6, 7, 8, 9).stream().map(i -> database + "-" + i).toList(),
        byTime.getList("events.event.id", String.class));
    assertEquals("2026-01-02T10:05:00Z", byTime.getString("events[0].time"));

    JsonPath everything = page("correlationId=corr-q&limit=1000");
    assertTrue(everything.getList("events").size() >= 8, "both databases");

    given()
        .header("Authorization", viewer())
        .get(
            "/api/v1/events?database="
                + database
                + "&type=dev.lifeboat.backup.progress&correlationId=corr-q")
        .then()
        .statusCode(200)
        .body("events", hasSize(3))
        .body("events[0].kind", equalTo("EVENT"))
        .body("events[0].database", equalTo(database))
        .body("events[0].sourceTopic", equalTo("lifeboat.events"))
        .body("events[0].event.data.bytesStored", equalTo(1024))
        .body("nextCursor", nullValue());
  }

  @Test
  void readersNeedAToken() {
    given().get("/api/v1/events").then().statusCode(401).header("WWW-Authenticate", "Bearer");
    given()
        .header("Authorization", "Bearer " + Tokens.expired("vera", Roles.VIEWER))
        .get("/api/v1/events")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", "Bearer " + Tokens.forRoles("mallory", "some-other-role"))
        .get("/api/v1/events")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer " + Tokens.forRoles("ada", Roles.ADMIN))
        .get("/api/v1/events?limit=1")
        .then()
        .statusCode(200);
  }

  @Test
  void invalidFiltersAreRejected() {
    for (String query :
        List.of(
            "cursor=abc",
            "cursor=-1",
            "limit=0",
            "limit=1001",
            "database=BAD",
            "since=yesterday",
            "until=2026-13-01",
            "kind=SOMETHING")) {
      given()
          .header("Authorization", viewer())
          .get("/api/v1/events?" + query)
          .then()
          .statusCode(400)
          .contentType("application/problem+json");
    }
  }
}
