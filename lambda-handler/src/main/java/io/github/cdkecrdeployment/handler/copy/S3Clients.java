package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.archive.ArchiveException;
import io.github.cdkecrdeployment.handler.aws.S3Objects;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The S3 reads of archive sources. A class of its own so that the AWS classes they need load only
 * when a copy reads an archive: loading them costs a Lambda's small CPU share real time.
 */
final class S3Clients {
  private S3Clients() {}

  /**
   * S3 reads as the handler makes them: signed GETs, buckets in any region, and path-style
   * addressing when an endpoint is set (as S3-compatible test servers need).
   *
   * @throws SdkClientException when no region is set
   */
  static S3Objects create(AwsSettings settings) {
    return S3Objects.create(settings);
  }

  /** No S3 client: an archive source fails, naming what to set. */
  static Supplier<S3Objects> none() {
    return () -> {
      throw SdkClientException.create("no S3 client configured");
    };
  }

  /** The client from {@code s3}, or an archive error that says how to make one possible. */
  static S3Objects get(Supplier<S3Objects> s3, SourceLocation source) throws ArchiveException {
    try {
      return s3.get();
    } catch (SdkClientException e) {
      throw new ArchiveException(
          "cannot create an S3 client to read "
              + source
              + ": "
              + e.getMessage()
              + "; set AWS_REGION (and AWS credentials) in the environment",
          true,
          e);
    }
  }
}
