package dev.lifeboat.audit;

import dev.lifeboat.common.events.BackupEvents;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.CommandRejected;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.HealthEvents;
import dev.lifeboat.common.events.MigrationReported;
import dev.lifeboat.common.events.RestoreEvents;
import dev.lifeboat.common.messaging.Topics;
import dev.lifeboat.testsupport.KafkaEndpoint;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Valid events of every type of the contract, as producers publish them. */
final class SampleEvents {
  private final CloudEventCodec codec;
  private final KafkaEndpoint kafka;

  SampleEvents(CloudEventCodec codec, KafkaEndpoint kafka) {
    this.codec = codec;
    this.kafka = kafka;
  }

  /** What an event is about. */
  record About(String database, String backupId, String restoreId, String migration) {
    static About fresh(String database) {
      String hex = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      return new About(database, "bk_20260102T143022Z_" + hex, "rs_" + hex, "2026_add_" + hex);
    }
  }

  static EventData data(EventType<?> type, About a) {
    String db = a.database();
    String bk = a.backupId();
    String rs = a.restoreId();
    return switch (type.name()) {
      case "dev.lifeboat.backup.requested" ->
          new BackupEvents.Requested(
              db,
              "pre-migration",
              a.migration(),
              "deploy-pipeline",
              Map.of("release", "v1.4.0"),
              bk);
      case "dev.lifeboat.backup.started" -> new BackupEvents.Started(bk, db, a.migration());
      case "dev.lifeboat.backup.progress" -> new BackupEvents.Progress(bk, db, 4096, 1024, 2048);
      case "dev.lifeboat.backup.completed" ->
          new BackupEvents.Completed(
              bk,
              db,
              db + "/" + bk + "/dump",
              1_048_576,
              9_437_184,
              "ab12",
              1_500,
              3,
              a.migration());
      case "dev.lifeboat.backup.failed" -> new BackupEvents.Failed(bk, db, "pg_dump exited with 1");
      case "dev.lifeboat.backup.pruned" -> new BackupEvents.Pruned(bk, db, "retention keep-last 7");
      case "dev.lifeboat.restore.planned" ->
          new RestoreEvents.Planned(rs, bk, db, RestoreEvents.Mode.SWAP);
      case "dev.lifeboat.restore.confirmed" ->
          new RestoreEvents.Confirmed(
              rs, bk, db, RestoreEvents.Mode.SWAP, List.of(), null, false, "alice");
      case "dev.lifeboat.restore.started" ->
          new RestoreEvents.Started(rs, bk, db, RestoreEvents.Mode.SWAP);
      case "dev.lifeboat.restore.progress" ->
          new RestoreEvents.Progress(rs, db, "restore-scratch", 25, 0, 0);
      case "dev.lifeboat.restore.completed" -> new RestoreEvents.Completed(rs, bk, db, 4_000);
      case "dev.lifeboat.restore.failed" ->
          new RestoreEvents.Failed(rs, bk, db, "verify-rows", "row counts differ");
      case "dev.lifeboat.restore.cancelled" -> new RestoreEvents.Cancelled(rs, db, "bob");
      case "dev.lifeboat.health.checked" ->
          new HealthEvents.Checked(
              "chk_" + rs.substring(3), db, HealthEvents.Status.HEALTHY, bk, 0, "restore");
      case "dev.lifeboat.backup.verified" ->
          new HealthEvents.BackupVerified(
              "ver_" + rs.substring(3),
              bk,
              db,
              true,
              new HealthEvents.Drill(true, true, 900),
              "ab".repeat(32));
      case "dev.lifeboat.backup.verification-failed" ->
          new HealthEvents.BackupVerificationFailed(
              "ver_" + rs.substring(3), bk, db, "sha256 mismatch");
      case "dev.lifeboat.command.rejected" ->
          new CommandRejected(
              db, "data.reason too long", "cmd-x", null, Topics.BACKUP_REQUESTS, 0, 7);
      case "dev.lifeboat.migration.started",
          "dev.lifeboat.migration.applied",
          "dev.lifeboat.migration.failed" ->
          new MigrationReported(db, a.migration(), bk);
      default -> throw new IllegalArgumentException("no sample for " + type);
    };
  }

  /** The topic a producer puts an event of this type on. */
  static String topicOf(EventType<?> type) {
    if (type == EventType.BACKUP_REQUESTED) {
      return Topics.BACKUP_REQUESTS;
    }
    if (type == EventType.RESTORE_CONFIRMED) {
      return Topics.RESTORE_COMMANDS;
    }
    return Topics.EVENTS;
  }

  <T extends EventData> CloudEvent<T> event(
      EventType<T> type, String id, String correlationId, String source, T data) {
    return new CloudEvent<>(
        CloudEvent.SPEC_VERSION,
        id,
        source,
        type.name(),
        data.database(),
        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS),
        CloudEvent.DATA_CONTENT_TYPE,
        correlationId,
        data);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  CloudEvent<EventData> sample(EventType<?> type, String id, String correlationId, About about) {
    return event((EventType) type, id, correlationId, "/test/" + type.name(), data(type, about));
  }

  String json(CloudEvent<?> event) {
    return new String(codec.encode(event), StandardCharsets.UTF_8);
  }

  /** Publishes in structured mode, keyed by database, on the type's topic. */
  void publish(CloudEvent<?> event) {
    publish(List.of(event));
  }

  /** Publishes them in this order through one producer, and waits until the broker has all. */
  void publish(List<? extends CloudEvent<?>> events) {
    try (var producer = kafka.producer()) {
      List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
      for (CloudEvent<?> event : events) {
        EventType<?> type = EventType.byName(event.type()).orElseThrow();
        sent.add(
            producer.send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    topicOf(type), event.subject(), json(event))));
      }
      for (var f : sent) {
        f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not publish", e);
    }
  }
}
