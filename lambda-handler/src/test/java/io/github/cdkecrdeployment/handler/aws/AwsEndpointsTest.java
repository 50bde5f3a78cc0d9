package io.github.cdkecrdeployment.handler.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Endpoint resolution as the AWS SDKs document it: the explicit setting, then {@code
 * aws.endpointUrl<Service>}, {@code AWS_ENDPOINT_URL_<SERVICE>}, {@code aws.endpointUrl}, {@code
 * AWS_ENDPOINT_URL}, then the service's host in the region's partition, FIPS when asked for. The
 * environment is a map here (a process cannot change its own); the system properties are the real
 * ones in {@link #realSystemPropertiesComeBeforeTheDefault()}.
 */
class AwsEndpointsTest {
  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> props = new HashMap<>();

  private AwsEndpoints endpoints(AwsSettings settings) {
    return new AwsEndpoints(settings, env::get, props::get);
  }

  private AwsEndpoints endpoints() {
    return endpoints(AwsSettings.defaults());
  }

  private String resolve(AwsService service, String region, boolean fips) throws Exception {
    return endpoints().resolve(service, region, fips).uri().toString();
  }

  // Hosts as the SDK's endpoint rules (2.57.8) resolve them, and as the services list them:
  // https://docs.aws.amazon.com/general/latest/gr/ecr.html, /asm.html, /s3.html
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "ECR, us-east-1, https://api.ecr.us-east-1.amazonaws.com",
    "ECR, eu-west-3, https://api.ecr.eu-west-3.amazonaws.com",
    "ECR, cn-north-1, https://api.ecr.cn-north-1.amazonaws.com.cn",
    "ECR, cn-northwest-1, https://api.ecr.cn-northwest-1.amazonaws.com.cn",
    "ECR, us-gov-west-1, https://api.ecr.us-gov-west-1.amazonaws.com",
    "ECR, us-iso-east-1, https://api.ecr.us-iso-east-1.c2s.ic.gov",
    "ECR, us-isob-east-1, https://api.ecr.us-isob-east-1.sc2s.sgov.gov",
    "ECR, eusc-de-east-1, https://api.ecr.eusc-de-east-1.amazonaws.eu",
    "SECRETS_MANAGER, us-west-2, https://secretsmanager.us-west-2.amazonaws.com",
    "SECRETS_MANAGER, cn-north-1, https://secretsmanager.cn-north-1.amazonaws.com.cn",
    "S3, eu-central-1, https://s3.eu-central-1.amazonaws.com",
    "S3, cn-northwest-1, https://s3.cn-northwest-1.amazonaws.com.cn",
    "ECR_PUBLIC, us-east-1, https://api.ecr-public.us-east-1.amazonaws.com",
    // A region the metadata does not list yet falls in the partition its name matches.
    "ECR, cn-south-9, https://api.ecr.cn-south-9.amazonaws.com.cn",
    "ECR, ap-future-1, https://api.ecr.ap-future-1.amazonaws.com"
  })
  void defaultHostsUseThePartitionsDnsSuffix(AwsService service, String region, String expected)
      throws Exception {
    AwsEndpoints.Endpoint e = endpoints().resolve(service, region, false);
    assertEquals(URI.create(expected), e.uri());
    assertFalse(e.configured());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "ECR, us-east-1, https://ecr-fips.us-east-1.amazonaws.com",
    "ECR, us-gov-west-1, https://ecr-fips.us-gov-west-1.amazonaws.com",
    "SECRETS_MANAGER, us-east-2, https://secretsmanager-fips.us-east-2.amazonaws.com",
    "S3, us-west-1, https://s3-fips.us-west-1.amazonaws.com",
    // ECR Public has no FIPS endpoint.
    "ECR_PUBLIC, us-east-1, https://api.ecr-public.us-east-1.amazonaws.com"
  })
  void fipsHostsWhenTheCallerAsks(AwsService service, String region, String expected)
      throws Exception {
    assertEquals(expected, resolve(service, region, true));
  }

  @Test
  void awsUseFipsEndpointSelectsFipsHostsForEveryCall() throws Exception {
    env.put("AWS_USE_FIPS_ENDPOINT", "true");
    assertEquals(
        "https://ecr-fips.us-east-1.amazonaws.com", resolve(AwsService.ECR, "us-east-1", false));
    assertEquals(
        "https://secretsmanager-fips.us-east-1.amazonaws.com",
        resolve(AwsService.SECRETS_MANAGER, "us-east-1", false));
    assertEquals(
        "https://s3-fips.us-east-1.amazonaws.com", resolve(AwsService.S3, "us-east-1", false));
    // The system property comes first, as in the SDK.
    props.put("aws.useFipsEndpoint", "false");
    assertEquals(
        "https://api.ecr.us-east-1.amazonaws.com", resolve(AwsService.ECR, "us-east-1", false));
    props.put("aws.useFipsEndpoint", " TRUE ");
    assertEquals(
        "https://ecr-fips.us-east-1.amazonaws.com", resolve(AwsService.ECR, "us-east-1", false));
    props.put("aws.useFipsEndpoint", "yes");
    assertEquals(
        "https://api.ecr.us-east-1.amazonaws.com", resolve(AwsService.ECR, "us-east-1", false));
  }

  @Test
  void eachSettingTakesPrecedenceOverTheNextOne() throws Exception {
    URI explicit = URI.create("http://127.0.0.1:1001");
    AwsSettings settings = AwsSettings.builder().secretsManagerEndpoint(explicit).build();
    props.put("aws.endpointUrlSecretsManager", "http://127.0.0.1:1002");
    env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:1003");
    props.put("aws.endpointUrl", "http://127.0.0.1:1004");
    env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:1005");
    // Each step removes the setting that won the step before.
    List<Runnable> steps =
        List.of(
            () -> {},
            () -> {},
            () -> props.remove("aws.endpointUrlSecretsManager"),
            () -> env.remove("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
            () -> props.remove("aws.endpointUrl"));
    for (int i = 0; i < steps.size(); i++) {
      steps.get(i).run();
      AwsEndpoints.Endpoint e =
          endpoints(i == 0 ? settings : AwsSettings.defaults())
              .resolve(AwsService.SECRETS_MANAGER, "us-east-1", false);
      assertEquals(URI.create("http://127.0.0.1:100" + (i + 1)), e.uri(), "step " + i);
      assertTrue(e.configured());
    }
    env.remove("AWS_ENDPOINT_URL");
    assertEquals(
        "https://secretsmanager.us-east-1.amazonaws.com",
        resolve(AwsService.SECRETS_MANAGER, "us-east-1", false));
  }

  @Test
  void aServiceSettingAppliesToItsServiceOnly() throws Exception {
    env.put("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:2001");
    env.put("AWS_ENDPOINT_URL_ECR_PUBLIC", "http://127.0.0.1:2002");
    env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2003");
    assertEquals("http://127.0.0.1:2001", resolve(AwsService.ECR, "eu-west-1", false));
    assertEquals("http://127.0.0.1:2002", resolve(AwsService.ECR_PUBLIC, "us-east-1", false));
    assertEquals("http://127.0.0.1:2003", resolve(AwsService.S3, "eu-west-1", false));
    assertEquals(
        "https://secretsmanager.eu-west-1.amazonaws.com",
        resolve(AwsService.SECRETS_MANAGER, "eu-west-1", false));
  }

  @Test
  void aConfiguredEndpointIsUsedAsItIsEvenForFips() throws Exception {
    env.put("AWS_USE_FIPS_ENDPOINT", "true");
    env.put("AWS_ENDPOINT_URL_ECR", " http://127.0.0.1:3001/base ");
    AwsEndpoints.Endpoint e = endpoints().resolve(AwsService.ECR, "us-gov-west-1", true);
    assertEquals(URI.create("http://127.0.0.1:3001/base"), e.uri());
    assertTrue(e.configured());
  }

  @Test
  void blankSettingsAreIgnored() throws Exception {
    env.put("AWS_ENDPOINT_URL_ECR", "  ");
    props.put("aws.endpointUrl", "");
    assertEquals(
        "https://api.ecr.us-east-1.amazonaws.com", resolve(AwsService.ECR, "us-east-1", false));
  }

  @Test
  void ignoreConfiguredEndpointUrlsSkipsTheEnvironmentButNotTheExplicitSetting() throws Exception {
    env.put("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:4001");
    env.put("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
    assertEquals(
        "https://api.ecr.us-east-1.amazonaws.com", resolve(AwsService.ECR, "us-east-1", false));
    URI explicit = URI.create("http://127.0.0.1:4002");
    assertEquals(
        explicit,
        endpoints(AwsSettings.builder().ecrEndpoint(explicit).build())
            .resolve(AwsService.ECR, "us-east-1", false)
            .uri());
  }

  @Test
  void aMalformedSettingIsAClearErrorNamingIt() {
    env.put("AWS_ENDPOINT_URL_S3", "127.0.0.1:9000");
    AwsClientException e =
        assertThrows(
            AwsClientException.class, () -> endpoints().resolve(AwsService.S3, "us-east-1", false));
    assertTrue(
        e.getMessage().startsWith("AWS_ENDPOINT_URL_S3 is not an endpoint URL"), e.getMessage());
    assertFalse(e.isTransient());
  }

  @Test
  void realSystemPropertiesComeBeforeTheDefault() throws Exception {
    System.setProperty("aws.endpointUrlEcr", "http://127.0.0.1:5001");
    System.setProperty("aws.endpointUrl", "http://127.0.0.1:5002");
    try {
      AwsEndpoints real = AwsEndpoints.of(AwsSettings.defaults());
      assertEquals(
          URI.create("http://127.0.0.1:5001"),
          real.resolve(AwsService.ECR, "us-east-1", true).uri());
      assertEquals(
          URI.create("http://127.0.0.1:5002"),
          real.resolve(AwsService.SECRETS_MANAGER, "us-east-1", false).uri());
    } finally {
      System.clearProperty("aws.endpointUrlEcr");
      System.clearProperty("aws.endpointUrl");
    }
  }

  @Test
  void settingNamesFollowTheSdksServiceIds() {
    assertEquals("aws.endpointUrlEcr", AwsService.ECR.endpointProperty());
    assertEquals("AWS_ENDPOINT_URL_ECR_PUBLIC", AwsService.ECR_PUBLIC.endpointVariable());
    assertEquals("aws.endpointUrlSecretsManager", AwsService.SECRETS_MANAGER.endpointProperty());
    assertEquals("AWS_ENDPOINT_URL_SECRETS_MANAGER", AwsService.SECRETS_MANAGER.endpointVariable());
    assertEquals("AWS_ENDPOINT_URL_S3", AwsService.S3.endpointVariable());
    assertEquals("ecr-public", AwsService.ECR_PUBLIC.signingName());
  }
}
