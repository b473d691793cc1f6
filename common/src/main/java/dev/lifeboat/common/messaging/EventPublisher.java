package dev.lifeboat.common.messaging;

import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.CloudEventCodec;
import dev.lifeboat.common.events.EventData;
import dev.lifeboat.common.events.EventType;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes lifecycle events to {@code lifeboat.events}, keyed by database so that each database's
 * events stay in order. The returned {@link Uni} completes when the broker has acknowledged the
 * event: callers that must not lose an event (before acknowledging the command that caused it) wait
 * for it.
 */
@ApplicationScoped
public class EventPublisher {
  /** The outgoing channel, bound to {@link Topics#EVENTS} in common's configuration. */
  public static final String CHANNEL = "lifeboat-events";

  private final MutinyEmitter<byte[]> emitter;
  private final CloudEventCodec codec;
  private final String source;

  public EventPublisher(
      @Channel(CHANNEL) MutinyEmitter<byte[]> emitter,
      CloudEventCodec codec,
      @ConfigProperty(name = "quarkus.application.name") String applicationName) {
    this.emitter = emitter;
    this.codec = codec;
    this.source = "/lifeboat/" + applicationName;
  }

  /** A new event from this service, part of the work identified by {@code correlationId}. */
  public <T extends EventData> CloudEvent<T> event(
      EventType<T> type, String correlationId, T data) {
    return CloudEvent.create(type, source, correlationId, data);
  }

  /** Builds and publishes an event in one step. */
  public <T extends EventData> Uni<CloudEvent<T>> publish(
      EventType<T> type, String correlationId, T data) {
    CloudEvent<T> event = event(type, correlationId, data);
    return publish(event).replaceWith(event);
  }

  /**
   * The one event of {@code type} about {@code idKey} (a backup or restore id), under the id {@link
   * CloudEvent#onceId} derives from both: announcing it again, after a crash or for a redelivered
   * command, yields an event with the same id, which consumers store once.
   */
  public <T extends EventData> CloudEvent<T> eventOnce(
      EventType<T> type, String correlationId, T data, String idKey) {
    return event(type, correlationId, data).withId(CloudEvent.onceId(type, idKey));
  }

  public Uni<Void> publish(CloudEvent<?> event) {
    return publish(event, event.subject());
  }

  /** Publishes with an explicit key, for events about a message whose database is unknown. */
  public Uni<Void> publish(CloudEvent<?> event, String key) {
    return emitter.sendMessage(CloudEventRecords.message(codec, event, key));
  }

  public String source() {
    return source;
  }

  /** {@code /lifeboat/<application>/<part>}: where in this service a command comes from. */
  public String source(String part) {
    return source + "/" + part;
  }
}
