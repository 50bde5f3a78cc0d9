package io.github.cdkecrdeployment.handler.common;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * How the handler's AWS calls are made. In Lambda everything comes from the SDK's default chains
 * and settings (region from {@code AWS_REGION}, credentials from the role, endpoints from {@code
 * AWS_ENDPOINT_URL_*}, resolved by {@code aws.AwsEndpoints}); tests inject a region, static
 * credentials and local endpoints instead of changing the process environment. Immutable; build
 * with {@link #builder()}.
 */
public final class AwsSettings {
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final URI ecrEndpoint;
  private final URI ecrPublicEndpoint;
  private final URI secretsManagerEndpoint;
  private final URI s3Endpoint;
  private final AwsCredentialsProvider defaultCredentials =
      () -> defaultChain().resolveCredentials();
  private volatile AwsCredentialsProvider defaultChain;

  private AwsSettings(Builder b) {
    this.region = b.region;
    this.credentials = b.credentials;
    this.ecrEndpoint = b.ecrEndpoint;
    this.ecrPublicEndpoint = b.ecrPublicEndpoint;
    this.secretsManagerEndpoint = b.secretsManagerEndpoint;
    this.s3Endpoint = b.s3Endpoint;
  }

  /** Everything from the SDK's default chains. */
  public static AwsSettings defaults() {
    return builder().build();
  }

  /** A builder with nothing set (= the SDK's default chains). */
  public static Builder builder() {
    return new Builder();
  }

  /** The region for calls without one of their own (secret names, S3); default: SDK chain. */
  public Region region() {
    return region != null ? region : new DefaultAwsRegionProviderChain().getRegion();
  }

  /** True when a region was set explicitly. */
  public boolean hasRegion() {
    return region != null;
  }

  /**
   * Credentials; default: the SDK's default provider chain, one for everything built from these
   * settings, made when the first call asks for credentials (building it loads the SDK's credential
   * classes, which a copy that calls no AWS API should not pay for).
   */
  public AwsCredentialsProvider credentials() {
    return credentials != null ? credentials : defaultCredentials;
  }

  private AwsCredentialsProvider defaultChain() {
    AwsCredentialsProvider c = defaultChain;
    if (c == null) {
      synchronized (this) {
        c = defaultChain;
        if (c == null) {
          defaultChain = c = DefaultCredentialsProvider.builder().build();
        }
      }
    }
    return c;
  }

  /**
   * ECR API endpoint override, or null: then {@code aws.endpointUrlEcr}, {@code
   * AWS_ENDPOINT_URL_ECR}, {@code AWS_ENDPOINT_URL}, else the region's ECR API endpoint.
   */
  public URI ecrEndpoint() {
    return ecrEndpoint;
  }

  /**
   * ECR Public API endpoint override, or null: then {@code aws.endpointUrlEcrPublic}, {@code
   * AWS_ENDPOINT_URL_ECR_PUBLIC}, {@code AWS_ENDPOINT_URL}, else the us-east-1 endpoint.
   */
  public URI ecrPublicEndpoint() {
    return ecrPublicEndpoint;
  }

  /** Secrets Manager endpoint override, or null (as for ECR, {@code *_SECRETS_MANAGER}). */
  public URI secretsManagerEndpoint() {
    return secretsManagerEndpoint;
  }

  /**
   * S3 endpoint override (path-style addressing is then used, as on any configured endpoint), or
   * null (as for ECR, {@code *_S3}).
   */
  public URI s3Endpoint() {
    return s3Endpoint;
  }

  /** Builder for {@link AwsSettings}. */
  public static final class Builder {
    private Region region;
    private AwsCredentialsProvider credentials;
    private URI ecrEndpoint;
    private URI ecrPublicEndpoint;
    private URI secretsManagerEndpoint;
    private URI s3Endpoint;

    private Builder() {}

    /** Default region. */
    public Builder region(Region r) {
      this.region = r;
      return this;
    }

    /** Credentials provider. */
    public Builder credentials(AwsCredentialsProvider c) {
      this.credentials = c;
      return this;
    }

    /** ECR endpoint. */
    public Builder ecrEndpoint(URI u) {
      this.ecrEndpoint = u;
      return this;
    }

    /** ECR Public endpoint. */
    public Builder ecrPublicEndpoint(URI u) {
      this.ecrPublicEndpoint = u;
      return this;
    }

    /** Secrets Manager endpoint. */
    public Builder secretsManagerEndpoint(URI u) {
      this.secretsManagerEndpoint = u;
      return this;
    }

    /** S3 endpoint. */
    public Builder s3Endpoint(URI u) {
      this.s3Endpoint = u;
      return this;
    }

    /** Builds it. */
    public AwsSettings build() {
      return new AwsSettings(this);
    }
  }
}
