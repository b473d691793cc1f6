package dev.lifeboat.audit;

import static io.restassured.RestAssured.given;
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
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/events/stream}: live events, resumed with Last-Event-ID without gaps. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = AuditDatabase.NAME)
    })
class EventStreamIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final AuditDatabase db = new AuditDatabase();
  @Inject CloudEventCodec codec;

  @TestHTTPResource("/api/v1/events/stream")
  URL stream;

  private SampleEvents samples;
  private String database;
  private SampleEvents.About about;
  private int published;

  @BeforeEach
  void setUp() {
    samples = new SampleEvents(codec, TestServers.kafka());
    database = "s_" + UUID.randomUUID().toString().substring(0, 8);
    about = SampleEvents.About.fresh(database);
  }

  private static String viewer() {
    return "Bearer " + Tokens.forRoles("vera", Roles.VIEWER);
  }

  /** Publishes {@code n} progress events of the test's database; returns their ids in order. */
  private List<String> publish(int n) {
    List<CloudEvent<EventData>> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(
          samples.sample(EventType.BACKUP_PROGRESS, database + "-" + published++, "corr-s", about));
    }
    samples.publish(events);
    return events.stream().map(CloudEvent::id).toList();
  }

  private String url() {
    return stream + "?database=" + database;
  }

  private static List<String> ids(List<SseClient.Event> events) {
    return events.stream().map(e -> e.data().path("event").path("id").asText()).toList();
  }

  @Test
  void aClientThatReconnectsWithLastEventIdGetsEveryEventItMissedThenLiveOnesWithoutGapsOrRepeats()
      throws Exception {
    List<String> expected = new ArrayList<>();
    List<SseClient.Event> received = new ArrayList<>();

    try (SseClient first = SseClient.open(url(), viewer(), null)) {
      assertEquals(200, first.status());
      waitForSubscription();
      expected.addAll(publish(5));
      received.addAll(first.take(5, WAIT));
    }
    assertEquals(expected, ids(received));

    // Disconnected: these are stored meanwhile.
    List<String> missed = publish(7);
    expected.addAll(missed);
    for (String id : missed) {
      db.awaitStored(id);
    }

    String lastEventId = Long.toString(received.get(received.size() - 1).id());
    try (SseClient second = SseClient.open(url(), viewer(), lastEventId)) {
      assertEquals(200, second.status());
      received.addAll(second.take(7, WAIT)); // replayed from the database
      expected.addAll(publish(3));
      received.addAll(second.take(3, WAIT)); // then live
      assertEquals(List.of(), ids(second.quiet(Duration.ofSeconds(1))), "no repeats");
    }
    assertEquals(expected, ids(received), "every event, once, in order");

    List<String> storedSeqs =
        db.strings(
            // e.auditseq, not auditseq: that would name the text column and sort 1, 10, 2.
            "SELECT e.auditseq::text FROM audit.events e WHERE e.database = ? ORDER BY e.auditseq",
            database);
    assertEquals(
        storedSeqs,
        received.stream().map(e -> Long.toString(e.id())).toList(),
        "the SSE ids are the auditseqs, with none left out");
    for (SseClient.Event e : received) {
      assertEquals(e.id(), e.data().path("auditseq").asLong());
    }
  }

  @Test
  void manyClientsGetTheSameEvents() {
    List<SseClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        clients.add(SseClient.open(url(), viewer(), null));
      }
      waitForSubscription();
      List<String> ids = publish(10);
      for (SseClient client : clients) {
        assertEquals(ids, ids(client.take(10, WAIT)));
      }
    } finally {
      clients.forEach(SseClient::close);
    }
  }

  @Test
  void aBrowserEventSourceOpensTheStreamWithASingleUseTicketNotItsToken() {
    try (SseClient anonymous = SseClient.open(url(), null, null)) {
      assertEquals(401, anonymous.status());
    }
    try (SseClient wrongRole =
        SseClient.open(url(), "Bearer " + Tokens.forRoles("m", "some-other-role"), null)) {
      assertEquals(403, wrongRole.status());
    }
    String token = Tokens.forRoles("vera", Roles.VIEWER);
    // The JWT itself is not taken from the URL, where proxies log it.
    try (SseClient byToken = SseClient.open(url() + "&access_token=" + token, null, null)) {
      assertEquals(401, byToken.status());
    }
    String ticket =
        given()
            .header("Authorization", "Bearer " + token)
            .post("/api/v1/events/stream-tickets")
            .then()
            .statusCode(201)
            .body("expiresInSeconds", org.hamcrest.Matchers.equalTo(60))
            .extract()
            .path("ticket");
    try (SseClient byTicket =
        SseClient.open(url() + "&ticket=" + ticket + "&after=0", null, null)) {
      assertEquals(200, byTicket.status());
      List<String> ids = publish(2);
      assertEquals(ids, ids(byTicket.take(2, WAIT)));
    }
    // Single use: the same ticket again, or one never issued, opens nothing.
    try (SseClient again = SseClient.open(url() + "&ticket=" + ticket, null, null)) {
      assertEquals(401, again.status());
    }
    try (SseClient forged =
        SseClient.open(url() + "&ticket=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null, null)) {
      assertEquals(401, forged.status());
    }
    given().post("/api/v1/events/stream-tickets").then().statusCode(401);
  }

  /** The stream subscribes when the response starts; give the server a moment to register. */
  private static void waitForSubscription() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aResumedStreamSkipsNothingWhileEventsKeepComing() {
    List<String> all = new ArrayList<>(publish(50));
    for (String id : all) {
      db.awaitStored(id);
    }
    List<SseClient.Event> received = new ArrayList<>();
    try (SseClient client = SseClient.open(url(), viewer(), "0")) {
      received.addAll(client.take(20, WAIT));
    }
    // Events keep coming while the client reconnects from where it stopped.
    all.addAll(publish(30));
    try (SseClient client =
        SseClient.open(url(), viewer(), Long.toString(received.get(received.size() - 1).id()))) {
      all.addAll(publish(30));
      received.addAll(client.take(90, WAIT));
    }
    assertEquals(all, ids(received));
    assertTrue(received.get(0).id() > 0);
  }
}
