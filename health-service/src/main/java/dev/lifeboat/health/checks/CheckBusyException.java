package dev.lifeboat.health.checks;

/** Another check of the same database is running and did not finish in time. */
public class CheckBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckBusyException(String database) {
    super("a check of " + database + " is already running; try again when it has finished");
  }
}
