package dev.lifeboat.common.events;

/** Bounds on what callers may put into events (see the contract's "Kafka topics"). */
public final class TextLimits {
  /** Free-text fields ({@code reason}, {@code migration}, {@code requestedBy}, labels). */
  public static final int TEXT = 256;

  public static final int LABELS = 32;

  /** CloudEvent {@code id}: the idempotency key of a command. */
  public static final int ID = 256;

  public static final int SOURCE = 1024;

  /** A whole serialized event; commands are far smaller, anything larger is hostile or broken. */
  public static final int EVENT_BYTES = 256 * 1024;

  private TextLimits() {}
}
