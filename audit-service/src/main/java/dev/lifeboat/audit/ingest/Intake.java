package dev.lifeboat.audit.ingest;

import dev.lifeboat.audit.store.NewEntry;
import dev.lifeboat.common.events.InvalidEventException;

/** What becomes of one incoming record. */
sealed interface Intake {

  /** To be stored. */
  record Store(NewEntry entry) implements Intake {}

  /** Refused: dead-lettered with a {@code command.rejected} event, and not stored as an event. */
  record Reject(InvalidEventException problem) implements Intake {}

  /**
   * An invalid command on a command topic: the service that owns the topic rejects it, and its
   * rejection and the dead letter reach the audit log through their own topics.
   */
  record Skip(String reason) implements Intake {}
}
