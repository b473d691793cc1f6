package dev.lifeboat.health.migrations;

import dev.lifeboat.common.databases.TargetDatabases;
import dev.lifeboat.common.events.CloudEvent;
import dev.lifeboat.common.events.EventType;
import dev.lifeboat.common.events.MigrationReported;
import dev.lifeboat.common.io.IoWaits;
import dev.lifeboat.common.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * Publishes a pipeline's migration facts for a pipeline that has no Kafka client: the same event,
 * on the same topic, as a pipeline would publish itself, so that every consumer (this service's
 * post-migration check, the audit log) treats both alike.
 */
@ApplicationScoped
public class MigrationFacts {
  private final EventPublisher events;
  private final TargetDatabases targets;

  public MigrationFacts(EventPublisher events, TargetDatabases targets) {
    this.events = events;
    this.targets = targets;
  }

  /**
   * Publishes the fact and returns its event once the broker has it. With an idempotency key the
   * event id is derived from the key, the database and the migration, so a pipeline step that
   * retries publishes one fact, which consumers store and act on once.
   *
   * @throws dev.lifeboat.common.databases.UnknownDatabaseException for a database not configured
   */
  public CloudEvent<MigrationReported> report(
      EventType<MigrationReported> type,
      MigrationReported fact,
      Optional<String> correlationId,
      Optional<String> idempotencyKey) {
    targets.get(fact.database());
    String id =
        idempotencyKey
            .map(
                key ->
                    CloudEvent.onceId(type, fact.database() + "\n" + fact.migration() + "\n" + key))
            .orElseGet(() -> UUID.randomUUID().toString());
    CloudEvent<MigrationReported> event =
        events.event(type, correlationId.orElse(id), fact).withId(id);
    IoWaits.await(events.publish(event));
    return event;
  }
}
