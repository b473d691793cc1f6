package dev.lifeboat.archive;

/** pg_dump or pg_restore failed; the message is fit to show a human (credentials redacted). */
public class PgToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PgToolException(String message) {
    super(message);
  }
}
