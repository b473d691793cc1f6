package dev.lifeboat.cli.api;

import dev.lifeboat.cli.CliException;
import dev.lifeboat.cli.ExitCodes;

/** An error answer of a service (HTTP 4xx/5xx), already put into one line. */
public final class ApiException extends CliException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public ApiException(int status, String message) {
    super(ExitCodes.forHttpStatus(status), message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
