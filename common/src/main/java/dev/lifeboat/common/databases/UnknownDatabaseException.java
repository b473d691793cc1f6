package dev.lifeboat.common.databases;

/** A request named a database that is not configured as a target (HTTP 400, command rejected). */
public class UnknownDatabaseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnknownDatabaseException(String name) {
    super(
        "unknown database "
            + Quoting.forMessage(name)
            + ": not configured under lifeboat.databases");
  }
}
