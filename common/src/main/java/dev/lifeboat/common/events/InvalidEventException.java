package dev.lifeboat.common.events;

/**
 * A message that is not a valid Lifeboat CloudEvent. The message says why in words safe to echo
 * back (untrusted values are quoted and shortened).
 */
public class InvalidEventException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What could be read of the rejected event before it failed: for the rejection record. */
  private final String eventId;

  private final String eventType;
  private final String database;

  public InvalidEventException(String reason, String eventId, String eventType, String database) {
    super(reason);
    this.eventId = eventId;
    this.eventType = eventType;
    this.database = database;
  }

  public InvalidEventException(String reason) {
    this(reason, null, null, null);
  }

  public String eventId() {
    return eventId;
  }

  public String eventType() {
    return eventType;
  }

  public String database() {
    return database;
  }
}
