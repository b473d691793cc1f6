package dev.lifeboat.audit.store;

import java.time.OffsetDateTime;

/**
 * A record about to be stored: the indexed columns taken from the event, where it came from, and
 * the payload as JSON text.
 *
 * @param key the Kafka key it came with, which its copy on {@code lifeboat.audit} keeps
 */
public record NewEntry(
    String eventId,
    Kind kind,
    String type,
    String database,
    String correlationId,
    OffsetDateTime time,
    String actor,
    String source,
    String migration,
    String backupId,
    String topic,
    int partition,
    long offset,
    String reason,
    String payload,
    String key) {}
