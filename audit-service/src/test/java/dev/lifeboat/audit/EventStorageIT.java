package dev.lifeboat.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.HostileMessages;
import dev.lifeboat.testsupport.KafkaEndpoint;
import dev.lifeboat.testsupport.KafkaResource;
import dev.lifeboat.testsupport.PostgresResource;
import dev.lifeboat.testsupport.TestServers;
import dev.lifeboat.testsupport.TopicRecorder;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Storing: once per event id, dead letters with their reason, nothing secret. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(
    value = PostgresResource.class,
    initArgs = {
      @ResourceArg(name = "targets", value = ""),
      @ResourceArg(name = "control", value = AuditDatabase.NAME)
    })
class EventStorageIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final KafkaEndpoint kafka = TestServers.kafka();
  private final AuditDatabase db = new AuditDatabase();
  private final ObjectMapper json = new ObjectMapper();
  @Inject CloudEventCodec codec;
  private SampleEvents samples;
  private TopicRecorder recorded;

  @BeforeEach
  void setUp() {
    samples = new SampleEvents(codec, kafka);
    recorded = kafka.recorder(Topics.AUDIT, Topics.EVENTS, Topics.DEAD_LETTERS);
  }

  @AfterEach
  void close() {
    recorded.close();
  }

  private static boolean hasId(ConsumerRecord<String, String> r, String topic, String id) {
    return r.topic().equals(topic)
        && r.value() != null
        && r.value().contains("\"id\":\"" + id + "\"");
  }

  private JsonNode parse(String value) {
    try {
      return json.readTree(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyEventTypeIsStoredOnceEvenWhenDeliveredTwice() {
    SampleEvents.About about = SampleEvents.About.fresh("twice");
    List<CloudEvent<EventData>> events = new ArrayList<>();
    for (EventType<?> type : EventType.all()) {
      events.add(samples.sample(type, "twice-" + UUID.randomUUID(), "corr-twice", about));
    }
    assertEquals(20, events.size(), "every type of the contract");
    samples.publish(events);
    samples.publish(events); // the same ids again: a producer retry, a replayed topic

    // One sentinel per topic after the second copies: once they are stored, so were the copies.
    List<CloudEvent<EventData>> sentinels =
        List.of(
            samples.sample(
                EventType.BACKUP_REQUESTED, "sentinel-" + UUID.randomUUID(), null, about),
            samples.sample(
                EventType.RESTORE_CONFIRMED, "sentinel-" + UUID.randomUUID(), null, about),
            samples.sample(EventType.HEALTH_CHECKED, "sentinel-" + UUID.randomUUID(), null, about));
    samples.publish(sentinels);
    for (var sentinel : sentinels) {
      db.awaitStored(sentinel.id());
      recorded.await(r -> hasId(r, Topics.AUDIT, sentinel.id()), 1, WAIT);
    }

    for (CloudEvent<EventData> event : events) {
      assertEquals(1, db.count("event_id = ?", event.id()), event.type() + " stored once");
      assertEquals(
          1,
          db.count(
              "event_id = ? AND kind = 'EVENT' AND type = ? AND database = 'twice'"
                  + " AND correlation_id = 'corr-twice' AND payload -> 'data' = ?::jsonb",
              event.id(),
              event.type(),
              parse(samples.json(event)).path("data").toString()),
          event.type() + " stored with its columns and payload as received");
      List<ConsumerRecord<String, String>> republished =
          recorded.matching(r -> hasId(r, Topics.AUDIT, event.id()));
      assertEquals(1, republished.size(), event.type() + " republished once");
      ConsumerRecord<String, String> copy = republished.get(0);
      String auditseq =
          db.strings("SELECT auditseq::text FROM audit.events WHERE event_id = ?", event.id())
              .get(0);
      assertEquals(auditseq, parse(copy.value()).path("auditseq").asText(), "auditseq extension");
      assertEquals(auditseq, header(copy, "auditseq"), "auditseq header");
      assertEquals("twice", copy.key(), "keyed by database");
    }
    assertEquals(
        List.of("deploy-pipeline", "alice", "bob"),
        db.strings(
            "SELECT actor FROM audit.events WHERE correlation_id = 'corr-twice' AND actor IS NOT NULL"
                + " AND type NOT LIKE 'dev.lifeboat.migration.%' ORDER BY auditseq"),
        "who did it");
  }

  private static String header(ConsumerRecord<String, String> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void malformedEventsAreDeadLetteredWithACommandRejectedRecordAndNotStoredAsEvents() {
    String unknownType =
        """
        {"specversion":"1.0","id":"bad-type-%s","source":"/test","type":"dev.lifeboat.backup.exploded",
         "subject":"shop","data":{"database":"shop"}}"""
            .formatted(UUID.randomUUID());
    String badId =
        unknownType.substring(unknownType.indexOf("bad-type-"), unknownType.indexOf("\",\"source"));
    kafka.send(Topics.EVENTS, "shop", unknownType, Map.of());
    kafka.send(Topics.EVENTS, "shop", "this is not json {", Map.of());

    ConsumerRecord<String, String> rejection =
        recorded
            .await(
                r ->
                    r.topic().equals(Topics.EVENTS)
                        && r.value().contains("dev.lifeboat.command.rejected")
                        && r.value().contains("\"rejectedId\":\"" + badId + "\""),
                1,
                WAIT)
            .get(0);
    JsonNode data = parse(rejection.value()).path("data");
    assertTrue(data.path("reason").asText().contains("unknown event type"), data.toString());
    assertEquals(Topics.EVENTS, data.path("topic").asText());

    ConsumerRecord<String, String> dead =
        recorded
            .await(
                r -> r.topic().equals(Topics.DEAD_LETTERS) && r.value().equals(unknownType),
                1,
                WAIT)
            .get(0);
    assertEquals("shop", dead.key(), "original key");
    assertTrue(header(dead, "dead-letter-reason").contains("unknown event type"));
    assertEquals(Topics.EVENTS, header(dead, "dead-letter-topic"));
    recorded.await(
        r -> r.topic().equals(Topics.DEAD_LETTERS) && r.value().equals("this is not json {"),
        1,
        WAIT);

    // The rejection is stored as an event, the dead letter as a dead letter with its reason.
    String rejectionId = parse(rejection.value()).path("id").asText();
    db.awaitStored(rejectionId);
    String deadLetterId =
        "dlq:"
            + Topics.EVENTS
            + ":"
            + header(dead, "dead-letter-partition")
            + ":"
            + header(dead, "dead-letter-offset");
    db.awaitStored(deadLetterId);
    assertEquals(
        1,
        db.count(
            "event_id = ? AND kind = 'DEAD_LETTER' AND reason LIKE '%unknown event type%'"
                + " AND correlation_id = ? AND database = 'shop' AND payload ->> 'type' = 'dev.lifeboat.backup.exploded'",
            deadLetterId, badId));
    assertEquals(0, db.count("event_id = ? AND kind = 'EVENT'", badId), "not stored as an event");
    db.awaitCount(1, "kind = 'DEAD_LETTER' AND payload #>> '{}' = 'this is not json {'");
  }

  @Test
  void recordsTooLargeToForwardWholeAreDeadLetteredCutAndTheConsumerGoesOn() {
    // The topic takes 16 MB records; a producer sends 1 MB by default, lifeboat.dlq takes 1 MB.
    HostileMessages.createTopic(kafka, Topics.EVENTS);
    var huge =
        new HostileMessages(
            "dev.lifeboat.backup.progress",
            "shop",
            """
            {"backupId":"bk_20260102T143022Z_00000001","database":"shop","bytesDumped":1,\
            "bytesStored":1,"bytesPerSecond":1}""",
            4);
    List<Long> offsets = huge.flood(kafka, Topics.EVENTS, 4);

    var dead =
        HostileMessages.awaitDeadLetters(kafka, Topics.DEAD_LETTERS, Topics.EVENTS, offsets, WAIT);
    for (int i = 0; i < offsets.size(); i++) {
      var letter = dead.get(offsets.get(i));
      assertEquals(
          "true", letter.deadLetterHeaders().get("dead-letter-truncated"), letter.toString());
      assertEquals(
          String.valueOf(huge.get(i).value().length),
          letter.deadLetterHeaders().get("dead-letter-original-size"),
          letter.toString());
      assertTrue(letter.valueBytes() <= 256 * 1024, letter.toString());
    }
    HostileMessages.awaitRejections(kafka, Topics.EVENTS, Topics.EVENTS, offsets, WAIT);

    // The consumer went on past them: the next event is stored.
    String id = "after-huge-" + UUID.randomUUID();
    kafka.send(
        Topics.EVENTS,
        "shop",
        """
        {"specversion":"1.0","id":"%s","source":"/test","type":"dev.lifeboat.migration.started",
         "subject":"shop","data":{"database":"shop","migration":"m-after-huge"}}"""
            .formatted(id),
        Map.of());
    db.awaitStored(id);
  }

  @Test
  void eventsCarryingCredentialNamedFieldsAreRejectedAndTheSecretIsNeverStored() {
    String secret = "s3cr3t-" + UUID.randomUUID();
    String id = "cred-" + UUID.randomUUID();
    String withPassword =
        """
        {"specversion":"1.0","id":"%s","source":"/pipelines/leaky","type":"dev.lifeboat.backup.completed",
         "subject":"shop","data":{"database":"shop","backupId":"bk_20260102T143022Z_0badc0de","objectKey":"k",
         "sizeBytes":1,"dumpBytes":1,"sha256":"x","durationMillis":1,"tables":1,
         "connection":{"dbPassword":"%s"}}}"""
            .formatted(id, secret);
    String commandId = "cred-cmd-" + UUID.randomUUID();
    String commandWithToken =
        """
        {"specversion":"1.0","id":"%s","source":"/pipelines/leaky","type":"dev.lifeboat.backup.requested",
         "subject":"shop","data":{"database":"shop","labels":{"api_token":"%s"}}}"""
            .formatted(commandId, secret);
    kafka.send(Topics.EVENTS, "shop", withPassword, Map.of());
    kafka.send(Topics.BACKUP_REQUESTS, "shop", commandWithToken, Map.of());

    for (String rejected : List.of(id, commandId)) {
      ConsumerRecord<String, String> rejection =
          recorded
              .await(
                  r ->
                      r.topic().equals(Topics.EVENTS)
                          && r.value().contains("dev.lifeboat.command.rejected")
                          && r.value().contains("\"rejectedId\":\"" + rejected + "\""),
                  1,
                  WAIT)
              .get(0);
      String reason = parse(rejection.value()).path("data").path("reason").asText();
      assertTrue(reason.contains("named like a credential"), reason);
      assertFalse(reason.contains(secret), "the reason does not repeat the secret");
      db.awaitStored(parse(rejection.value()).path("id").asText());
      db.awaitCount(1, "kind = 'DEAD_LETTER' AND correlation_id = ?", rejected);
      assertEquals(0, db.count("event_id = ?", rejected), "not stored as an event");
    }
    assertTrue(
        recorded
                .matching(r -> r.topic().equals(Topics.DEAD_LETTERS) && r.value().contains(id))
                .size()
            == 1,
        "the original went to the dead-letter topic");
    assertEquals(0, db.count("payload::text LIKE ?", "%" + secret + "%"), "no secret in the log");
    assertEquals(0, db.count("reason LIKE ?", "%" + secret + "%"), "no secret in the log");
    assertEquals(
        "[redacted]",
        db.strings(
                "SELECT payload #>> '{data,connection,dbPassword}' FROM audit.events WHERE correlation_id = ? AND kind = 'DEAD_LETTER'",
                id)
            .get(0));
  }

  @Test
  void aBinaryModeEventIsStoredInStructuredForm() {
    String id = "binary-" + UUID.randomUUID();
    kafka.send(
        Topics.EVENTS,
        "shop",
        "{\"database\":\"shop\",\"migration\":\"2026_binary\"}",
        Map.of(
            "ce_specversion", "1.0",
            "ce_id", id,
            "ce_source", "/pipelines/binary",
            "ce_type", "dev.lifeboat.migration.started",
            "ce_subject", "shop",
            "content-type", "application/json"));
    db.awaitStored(id);
    assertEquals(
        1,
        db.count(
            "event_id = ? AND payload ->> 'type' = 'dev.lifeboat.migration.started'"
                + " AND payload #>> '{data,migration}' = '2026_binary' AND migration = '2026_binary'"
                + " AND actor = '/pipelines/binary' AND correlation_id = ?",
            id,
            id),
        "structured, with its own id as correlation id and the pipeline as actor");
    assertNotNull(db.strings("SELECT auditseq FROM audit.events WHERE event_id = ?", id).get(0));
  }
}
