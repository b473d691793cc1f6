package dev.lifeboat.restore.execution;

import dev.lifeboat.archive.Manifest;

/**
 * How one mode (SWAP, NEW_DATABASE, IN_PLACE, TABLES) changes the target, and how it learns after a
 * crash, from the server itself, how far it had got.
 */
interface RestoreMode {
  /**
   * Runs the mode's steps under the database's exclusive lock. Sets {@link RestoreRun#finished} at
   * its final act, from which on nothing it made may be undone.
   */
  void restore(RestoreRun run, Manifest manifest) throws Exception;

  /**
   * After a crash, under the run's lock and the database's: true when the restore had finished (its
   * result is on the server); otherwise leaves the server ready for the restore to run again.
   */
  boolean recover(RestoreRun run) throws Exception;

  /**
   * Undoes what a run that stopped before its final act made; returns what a responder must know
   * about the target beyond the failure itself ("" when it is as it was).
   */
  String cleanUp(RestoreRun run);

  /** The database kept as the undo of a completed restore, if the mode keeps one. */
  default String undoDatabase(RestoreRun run) {
    return null;
  }
}
