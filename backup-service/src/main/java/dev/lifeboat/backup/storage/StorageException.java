package dev.lifeboat.backup.storage;

/** Object storage refused or failed an operation; the message says which and why. */
public class StorageException extends Exception {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
