package dev.lifeboat.cli;

/**
 * The exit codes scripts can rely on (documented in docs/cli.md). They say what kind of thing went
 * wrong, so that a pipeline can tell "the backup failed" from "the service was down".
 */
public final class ExitCodes {
  /** Done; the operation succeeded (backup COMPLETED, restore COMPLETED, check not UNHEALTHY). */
  public static final int OK = 0;

  /**
   * The operation ran and failed: a backup FAILED, a restore FAILED or was CANCELLED, a check is
   * UNHEALTHY, a verification failed; for {@code status}, a database needs attention.
   */
  public static final int FAILED = 1;

  /** Invalid arguments, or the service rejected the request as invalid (HTTP 400). */
  public static final int USAGE = 2;

  /** The backup, restore, check or verification does not exist (HTTP 404). */
  public static final int NOT_FOUND = 3;

  /** No token, or the token was refused (HTTP 401) or lacks the role (HTTP 403). */
  public static final int AUTH = 4;

  /**
   * The request conflicts with the current state (HTTP 409): another open restore of the database,
   * a wrong or expired confirmation code, a pinned backup.
   */
  public static final int CONFLICT = 5;

  /** A service could not be reached, timed out, or said it is unavailable (HTTP 502/503/504). */
  public static final int UNREACHABLE = 6;

  /** A service failed unexpectedly (HTTP 500 or an answer the CLI does not understand). */
  public static final int SERVICE_ERROR = 7;

  /**
   * The user did not confirm a restore (the plan was cancelled) or a deletion; nothing happened.
   */
  public static final int ABORTED = 8;

  /** {@code guard}: the migration's command failed; migration.failed was reported. */
  public static final int MIGRATION_FAILED = 9;

  /** {@code guard}: after the migration, the check is DEGRADED or UNHEALTHY. */
  public static final int CHECK_FAILED = 10;

  private ExitCodes() {}

  /** The exit code for an HTTP error status. */
  public static int forHttpStatus(int status) {
    return switch (status) {
      case 400, 405, 406, 415, 422 -> USAGE;
      case 401, 403 -> AUTH;
      case 404, 410 -> NOT_FOUND;
      case 409, 412 -> CONFLICT;
      case 502, 503, 504 -> UNREACHABLE;
      default -> SERVICE_ERROR;
    };
  }
}
