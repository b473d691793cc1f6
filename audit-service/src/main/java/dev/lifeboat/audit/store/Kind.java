package dev.lifeboat.audit.store;

/** What a row of the audit log holds. */
public enum Kind {
  /** A valid CloudEvent of the contract. */
  EVENT,
  /** A record from {@code lifeboat.dlq}: something a consumer could not read. */
  DEAD_LETTER
}
