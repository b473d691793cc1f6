package dev.lifeboat.audit.store;

import java.time.OffsetDateTime;

/** A row of the audit log. {@code payload} is the stored JSON, as text. */
public record StoredEntry(
    long auditseq,
    String eventId,
    Kind kind,
    String type,
    String database,
    String correlationId,
    OffsetDateTime time,
    OffsetDateTime storedAt,
    String actor,
    String source,
    String migration,
    String backupId,
    String topic,
    int partition,
    long offset,
    String reason,
    String payload) {

  static StoredEntry of(NewEntry e, long auditseq, OffsetDateTime storedAt) {
    return new StoredEntry(
        auditseq,
        e.eventId(),
        e.kind(),
        e.type(),
        e.database(),
        e.correlationId(),
        e.time(),
        storedAt,
        e.actor(),
        e.source(),
        e.migration(),
        e.backupId(),
        e.topic(),
        e.partition(),
        e.offset(),
        e.reason(),
        e.payload());
  }

  /** The Kafka key of the copy on {@code lifeboat.audit}: the database, as on every topic. */
  public String key() {
    return database;
  }
}
