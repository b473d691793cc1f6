package dev.lifeboat.health.running;

/** Another check or a restore of the same database is running and did not finish in time. */
public class CheckBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private CheckBusyException(String message) {
    super(message);
  }

  public static CheckBusyException checkRunning(String database) {
    return new CheckBusyException(
        "a check of " + database + " is already running; try again when it has finished");
  }

  public static CheckBusyException restoreRunning(String database) {
    return new CheckBusyException(
        "a restore of "
            + database
            + " is running and the database is changing; check it when the restore has finished");
  }
}
