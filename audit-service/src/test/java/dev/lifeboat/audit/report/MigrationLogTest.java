package dev.lifeboat.audit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lifeboat.audit.store.Kind;
import dev.lifeboat.audit.store.StoredEntry;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationLogTest {
  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 1, 3, 9, 0, 0, 0, ZoneOffset.UTC);

  private static StoredEntry entry(long seq, String type, String topic, String data) {
    String payload =
        "{\"specversion\":\"1.0\",\"id\":\"e"
            + seq
            + "\",\"source\":\"/x\",\"type\":\""
            + type
            + "\",\"subject\":\"app\",\"correlationid\":\"deploy-1\",\"data\":"
            + data
            + "}";
    return new StoredEntry(
        seq,
        "e" + seq,
        Kind.EVENT,
        type,
        "app",
        "deploy-1",
        T0.plusSeconds(seq),
        T0.plusSeconds(seq),
        null,
        "/x",
        "m1",
        null,
        topic,
        0,
        seq,
        null,
        payload);
  }

  @Test
  void whoAskedForTheBackupIsKnownWhicheverTopicTheAuditLogStoredFirst() {
    // lifeboat.events was read before lifeboat.backup.requests: the command comes last.
    List<StoredEntry> stored =
        List.of(
            entry(
                1,
                "dev.lifeboat.backup.completed",
                "lifeboat.events",
                "{\"backupId\":\"bk_1\",\"database\":\"app\",\"sizeBytes\":10,\"durationMillis\":5,"
                    + "\"migration\":\"m1\"}"),
            entry(
                2,
                "dev.lifeboat.backup.requested",
                "lifeboat.backup.requests",
                "{\"database\":\"app\",\"reason\":\"pre-migration\",\"migration\":\"m1\","
                    + "\"requestedBy\":\"deploy-pipeline\"}"));

    MigrationLog log = MigrationLog.of("m1", stored);

    assertEquals(1, log.backups().size());
    assertEquals("deploy-pipeline", log.backups().get(0).requestedBy());
    assertEquals("pre-migration", log.backups().get(0).reason());
    assertEquals("COMPLETED", log.backups().get(0).status());
    assertEquals(
        List.of("dev.lifeboat.backup.completed", "dev.lifeboat.backup.requested"),
        log.entries().stream().map(MigrationLog.Entry::type).toList(),
        "in the order of the events' time");
  }

  @Test
  void theLogIsInTheOrderThingsHappenedNotTheOrderTheyWereStored() {
    StoredEntry command =
        entry(
            1,
            "dev.lifeboat.backup.requested",
            "lifeboat.backup.requests",
            "{\"database\":\"app\",\"migration\":\"m1\",\"requestedBy\":\"ci\"}");
    StoredEntry completed =
        entry(
            2,
            "dev.lifeboat.backup.completed",
            "lifeboat.events",
            "{\"backupId\":\"bk_1\",\"database\":\"app\",\"sizeBytes\":10,\"durationMillis\":5,"
                + "\"migration\":\"m1\"}");
    // Stored the other way round: the completion got the lower auditseq.
    StoredEntry storedFirst =
        new StoredEntry(
            1,
            completed.eventId(),
            completed.kind(),
            completed.type(),
            completed.database(),
            completed.correlationId(),
            completed.time(),
            completed.storedAt(),
            null,
            "/x",
            "m1",
            null,
            completed.topic(),
            0,
            2,
            null,
            completed.payload());
    StoredEntry storedSecond =
        new StoredEntry(
            2,
            command.eventId(),
            command.kind(),
            command.type(),
            command.database(),
            command.correlationId(),
            command.time(),
            command.storedAt(),
            null,
            "/x",
            "m1",
            null,
            command.topic(),
            0,
            1,
            null,
            command.payload());

    MigrationLog log = MigrationLog.of("m1", List.of(storedFirst, storedSecond));

    assertEquals(
        List.of("dev.lifeboat.backup.requested", "dev.lifeboat.backup.completed"),
        log.entries().stream().map(MigrationLog.Entry::type).toList());
  }
}
