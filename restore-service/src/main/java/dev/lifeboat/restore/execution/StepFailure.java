package dev.lifeboat.restore.execution;

/** A restore step that failed, with a reason a responder can act on. */
final class StepFailure extends Exception {
  private static final long serialVersionUID = 1L;

  StepFailure(String message) {
    super(message);
  }
}
