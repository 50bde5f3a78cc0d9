package io.github.cdkecrdeployment.handler.aws;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.net.URI;
import java.util.function.Function;

/**
 * The AWS services the handler calls, with what their endpoints and signatures are made of: the
 * SigV4 signing name, the service id as the SDK's endpoint settings spell it ({@code
 * aws.endpointUrl<Id>}, {@code AWS_ENDPOINT_URL_<ID>}; see <a
 * href="https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html">service-specific
 * endpoints</a>), and the host prefixes of the default and the FIPS endpoint.
 */
public enum AwsService {
  /** Amazon ECR's API (not the registry): {@code api.ecr.<region>.<dnsSuffix>}. */
  ECR("ecr", "Ecr", "ECR", "api.ecr", "ecr-fips", AwsSettings::ecrEndpoint),
  /** ECR Public's API, served from us-east-1 only; it has no FIPS endpoint. */
  ECR_PUBLIC(
      "ecr-public",
      "EcrPublic",
      "ECR_PUBLIC",
      "api.ecr-public",
      null,
      AwsSettings::ecrPublicEndpoint),
  /** AWS Secrets Manager. */
  SECRETS_MANAGER(
      "secretsmanager",
      "SecretsManager",
      "SECRETS_MANAGER",
      "secretsmanager",
      "secretsmanager-fips",
      AwsSettings::secretsManagerEndpoint),
  /** Amazon S3 (regional endpoints; buckets are addressed by {@link S3Objects}). */
  S3("s3", "S3", "S3", "s3", "s3-fips", AwsSettings::s3Endpoint);

  private final String signingName;
  private final String propertyId;
  private final String environmentId;
  private final String hostPrefix;
  private final String fipsHostPrefix;
  private final Function<AwsSettings, URI> override;

  AwsService(
      String signingName,
      String propertyId,
      String environmentId,
      String hostPrefix,
      String fipsHostPrefix,
      Function<AwsSettings, URI> override) {
    this.signingName = signingName;
    this.propertyId = propertyId;
    this.environmentId = environmentId;
    this.hostPrefix = hostPrefix;
    this.fipsHostPrefix = fipsHostPrefix;
    this.override = override;
  }

  /** The SigV4 signing name (the credential scope's service). */
  public String signingName() {
    return signingName;
  }

  /** The system property of its endpoint, e.g. {@code aws.endpointUrlSecretsManager}. */
  public String endpointProperty() {
    return "aws.endpointUrl" + propertyId;
  }

  /** The environment variable of its endpoint, e.g. {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}. */
  public String endpointVariable() {
    return "AWS_ENDPOINT_URL_" + environmentId;
  }

  /** The first label(s) of its default host, e.g. {@code api.ecr}. */
  String hostPrefix() {
    return hostPrefix;
  }

  /** The first label(s) of its FIPS host, or null when it has none. */
  String fipsHostPrefix() {
    return fipsHostPrefix;
  }

  /** The endpoint {@code settings} set for it explicitly, or null. */
  URI override(AwsSettings settings) {
    return override.apply(settings);
  }
}
