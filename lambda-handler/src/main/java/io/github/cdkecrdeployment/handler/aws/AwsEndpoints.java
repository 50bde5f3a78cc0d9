package io.github.cdkecrdeployment.handler.aws;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * Where a call to an AWS service goes, in the order of precedence the AWS SDKs document (<a
 * href="https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html">service-specific
 * endpoints</a>):
 *
 * <ol>
 *   <li>the endpoint set in {@link AwsSettings} (tests, local stubs);
 *   <li>the system property {@code aws.endpointUrl<ServiceId>}, then the environment variable
 *       {@code AWS_ENDPOINT_URL_<SERVICE_ID>};
 *   <li>the system property {@code aws.endpointUrl}, then {@code AWS_ENDPOINT_URL};
 *   <li>the service's default endpoint {@code https://<prefix>.<region>.<dnsSuffix>}, with the DNS
 *       suffix of the region's partition ({@code amazonaws.com}, {@code amazonaws.com.cn}, …) from
 *       the SDK's partition metadata, and the FIPS prefix when the caller asks for FIPS or {@code
 *       aws.useFipsEndpoint} / {@code AWS_USE_FIPS_ENDPOINT} is {@code true}.
 * </ol>
 *
 * Steps 2 and 3 are skipped when {@code aws.ignoreConfiguredEndpointUrls} / {@code
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS} is {@code true}. A configured endpoint is used as it is
 * (FIPS does not apply to it). Immutable; reads the environment at each resolution.
 */
public final class AwsEndpoints {
  private final AwsSettings settings;
  private final UnaryOperator<String> environment;
  private final UnaryOperator<String> properties;

  /**
   * An endpoint.
   *
   * @param uri scheme, authority and optional base path
   * @param configured true when it was configured (settings, property or environment), false for
   *     the service's default host; S3 addresses buckets path-style on a configured endpoint
   */
  public record Endpoint(URI uri, boolean configured) {}

  AwsEndpoints(
      AwsSettings settings, UnaryOperator<String> environment, UnaryOperator<String> properties) {
    this.settings = settings;
    this.environment = environment;
    this.properties = properties;
  }

  /** Endpoints from {@code settings}, this process's environment and system properties. */
  public static AwsEndpoints of(AwsSettings settings) {
    return new AwsEndpoints(settings, System::getenv, System::getProperty);
  }

  /**
   * The endpoint of {@code service} in {@code region}.
   *
   * @param fips true to use the FIPS endpoint (when none is configured) whatever {@code
   *     AWS_USE_FIPS_ENDPOINT} says, as for a FIPS registry
   * @throws AwsClientException when a configured endpoint is not an absolute URL
   */
  public Endpoint resolve(AwsService service, String region, boolean fips)
      throws AwsClientException {
    URI configured = configured(service);
    if (configured != null) {
      return new Endpoint(configured, true);
    }
    String prefix =
        (fips || useFips()) && service.fipsHostPrefix() != null
            ? service.fipsHostPrefix()
            : service.hostPrefix();
    return new Endpoint(
        URI.create("https://" + prefix + "." + region + "." + dnsSuffix(region)), false);
  }

  /** The configured endpoint of {@code service} (steps 1 to 3), or null. */
  URI configured(AwsService service) throws AwsClientException {
    URI explicit = service.override(settings);
    if (explicit != null) {
      return parse("the " + service + " endpoint of the AWS settings", explicit.toString());
    }
    if (flag("aws.ignoreConfiguredEndpointUrls", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
      return null;
    }
    String[][] sources = {
      {service.endpointProperty(), properties.apply(service.endpointProperty())},
      {service.endpointVariable(), environment.apply(service.endpointVariable())},
      {"aws.endpointUrl", properties.apply("aws.endpointUrl")},
      {"AWS_ENDPOINT_URL", environment.apply("AWS_ENDPOINT_URL")}
    };
    for (String[] s : sources) {
      if (s[1] != null && !s[1].isBlank()) {
        return parse(s[0], s[1].trim());
      }
    }
    return null;
  }

  /** True when {@code aws.useFipsEndpoint} or {@code AWS_USE_FIPS_ENDPOINT} says {@code true}. */
  boolean useFips() {
    return flag("aws.useFipsEndpoint", "AWS_USE_FIPS_ENDPOINT");
  }

  /**
   * The DNS suffix of {@code region}'s partition, e.g. {@code amazonaws.com.cn} for {@code
   * cn-north-1}; a region the metadata does not know falls in the partition its name matches.
   */
  public static String dnsSuffix(String region) {
    return PartitionMetadata.of(Region.of(region)).dnsSuffix();
  }

  private boolean flag(String property, String variable) {
    String v = properties.apply(property);
    if (v == null) {
      v = environment.apply(variable);
    }
    return v != null && v.trim().toLowerCase(Locale.ROOT).equals("true");
  }

  private static URI parse(String setting, String value) throws AwsClientException {
    try {
      URI u = new URI(value);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new URISyntaxException(value, "not an absolute http(s) URL");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new AwsClientException(
          setting + " is not an endpoint URL (" + e.getMessage() + "); set it to e.g. https://host",
          e);
    }
  }
}
