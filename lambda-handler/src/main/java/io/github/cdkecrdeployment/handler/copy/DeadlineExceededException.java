package io.github.cdkecrdeployment.handler.copy;

/** The copy was cancelled because its {@link Deadline} passed. Nothing was tagged. */
public class DeadlineExceededException extends CopyException {
  private static final long serialVersionUID = 1L;

  /** Creates one. */
  public DeadlineExceededException(String message, CopyProgress progress) {
    super(message, progress, null);
  }
}
