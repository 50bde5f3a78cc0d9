package io.github.cdkecrdeployment.handler.copy;

/** Copies one image as a {@link CopyRequest} says. */
public interface ImageCopier {
  /**
   * Runs the copy. Nothing is tagged unless every blob and child manifest is in place.
   *
   * @throws CopyException what failed and the fix ({@link DeadlineExceededException} past the
   *     deadline)
   * @throws InterruptedException when the calling thread is interrupted
   */
  CopyResult copy(CopyRequest request) throws CopyException, InterruptedException;
}
