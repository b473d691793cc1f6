package dev.lifeboat.common.messaging;

/** The Kafka topics of the contract. Every record's key is the database name. */
public final class Topics {
  /** {@code dev.lifeboat.backup.requested} commands from pipelines and the API. */
  public static final String BACKUP_REQUESTS = "lifeboat.backup.requests";

  /** {@code dev.lifeboat.restore.confirmed} commands: confirmed restores to execute. */
  public static final String RESTORE_COMMANDS = "lifeboat.restore.commands";

  /** Every lifecycle event of every service. */
  public static final String EVENTS = "lifeboat.events";

  /** Each event after audit-service stored it, with its {@code auditseq}. */
  public static final String AUDIT = "lifeboat.audit";

  /** Messages that could not be parsed or validated, with the reason in headers. */
  public static final String DEAD_LETTERS = "lifeboat.dlq";

  private Topics() {}
}
