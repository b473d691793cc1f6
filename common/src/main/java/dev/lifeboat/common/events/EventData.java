package dev.lifeboat.common.events;

/**
 * The {@code data} of a Lifeboat CloudEvent. Every event concerns one target database, which is
 * also the event's {@code subject} and its Kafka key.
 */
public interface EventData {
  String database();
}
