package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.archive.ArchiveException;
import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client of archive sources. A class of its own so that the AWS SDK's S3 classes load only
 * when a copy reads an archive: loading them costs a Lambda's small CPU share real time.
 */
final class S3Clients {
  private S3Clients() {}

  /**
   * An S3 client as the handler uses it: URL-connection HTTP, buckets in any region, and path-style
   * addressing when an endpoint is set (as S3-compatible test servers need).
   */
  static S3Client create(AwsSettings settings) {
    var b =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(settings.credentials())
            .region(settings.region())
            .crossRegionAccessEnabled(true);
    if (settings.s3Endpoint() != null) {
      b.endpointOverride(settings.s3Endpoint()).forcePathStyle(true);
    }
    return b.build();
  }

  /** No S3 client: an archive source fails, naming what to set. */
  static Supplier<S3Client> none() {
    return () -> {
      throw SdkClientException.create("no S3 client configured");
    };
  }

  /** The client from {@code s3}, or an archive error that says how to make one possible. */
  static S3Client get(Supplier<S3Client> s3, SourceLocation source) throws ArchiveException {
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
