package io.github.cdkecrdeployment.handler.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.cdkecrdeployment.handler.common.AwsSettings;
import io.github.cdkecrdeployment.handler.common.Log;
import io.github.cdkecrdeployment.handler.registry.Credential;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Without endpoint overrides in {@link AwsSettings}, the AWS calls follow the SDK's standard
 * service-endpoint settings, in the SDK's order: the system properties {@code
 * aws.endpointUrl<Service>} and {@code aws.endpointUrl} checked here, and the environment variables
 * {@code AWS_ENDPOINT_URL_<SERVICE>} and {@code AWS_ENDPOINT_URL} of the same settings (which a
 * Lambda or a child JVM under test gets; see {@code ReliabilitySecretsTest}, {@code MainTest}). The
 * whole order, FIPS and the partitions are in {@code aws.AwsEndpointsTest}.
 */
class SdkEndpointSettingsTest {
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();
  @RegisterExtension final AwsApiStub global = new AwsApiStub();

  private static final List<String> PROPERTIES =
      List.of(
          "aws.endpointUrlEcr",
          "aws.endpointUrlSecretsManager",
          "aws.endpointUrlEcrPublic",
          "aws.endpointUrl",
          "aws.useFipsEndpoint");

  private static final ImageReference ECR =
      ImageReference.parse("123456789012.dkr.ecr.us-west-2.amazonaws.com/a:1");
  private static final ImageReference ECR_FIPS =
      ImageReference.parse("123456789012.dkr.ecr-fips.us-west-2.amazonaws.com/a:1");
  private static final ImageReference ECR_PUBLIC = ImageReference.parse("public.ecr.aws/a/b:1");

  @AfterEach
  void clearProperties() {
    PROPERTIES.forEach(System::clearProperty);
  }

  private static CredentialResolver.Session session() {
    return new CredentialResolver(
            AwsSettings.builder()
                .region(Region.US_WEST_2)
                .credentials(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDTEST", "secret")))
                .build(),
            new Log(
                new PrintStream(OutputStream.nullOutputStream()),
                Log.Level.INFO,
                Clock.systemUTC()))
        .session();
  }

  private static List<String> targets(AwsApiStub stub) {
    return stub.calls().stream().map(AwsApiStub.Call::target).toList();
  }

  @Test
  void callsFollowTheServiceEndpointSystemProperties() throws Exception {
    PROPERTIES.subList(0, 3).forEach(p -> System.setProperty(p, aws.endpoint().toString()));
    // Stored in us-west-2, the region of the settings: a name is looked up there.
    aws.secret(
        "arn:aws:secretsmanager:us-west-2:123456789012:secret:creds-Q1w2E3", "eve:pw-from-secret");
    CredentialResolver.Session s = session();
    ImageReference hub = ImageReference.parse("nginx:1");
    assertEquals(new Credential("eve", "pw-from-secret"), s.resolve("SrcCreds", "creds", hub));
    assertEquals("AWS", s.resolve("DestCreds", null, ECR).username());
    assertEquals("AWS", s.resolve("DestCreds", null, ECR_PUBLIC).username());
    assertEquals(
        List.of(
            AwsApiStub.GET_SECRET_VALUE,
            AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN,
            AwsApiStub.ECR_PUBLIC_GET_AUTHORIZATION_TOKEN),
        targets(aws));
  }

  @Test
  void theGlobalEndpointPropertyServesEveryServiceWithoutOneOfItsOwn() throws Exception {
    System.setProperty("aws.endpointUrl", global.endpoint().toString());
    System.setProperty("aws.endpointUrlEcr", aws.endpoint().toString());
    global.secret(
        "arn:aws:secretsmanager:us-west-2:123456789012:secret:creds-Q1w2E3", "eve:pw-from-secret");
    CredentialResolver.Session s = session();
    s.resolve("SrcCreds", "creds", ImageReference.parse("nginx:1"));
    s.resolve("DestCreds", null, ECR);
    s.resolve("DestCreds", null, ECR_PUBLIC);
    assertEquals(List.of(AwsApiStub.ECR_GET_AUTHORIZATION_TOKEN), targets(aws));
    assertEquals(
        List.of(AwsApiStub.GET_SECRET_VALUE, AwsApiStub.ECR_PUBLIC_GET_AUTHORIZATION_TOKEN),
        targets(global));
  }

  @Test
  void aConfiguredEndpointServesFipsRegistriesAndFipsSettingsToo() throws Exception {
    // The SDK clients refused FIPS together with a configured endpoint; the endpoint wins now.
    System.setProperty("aws.endpointUrlEcr", aws.endpoint().toString());
    System.setProperty("aws.useFipsEndpoint", "true");
    CredentialResolver.Session s = session();
    assertEquals("AWS", s.resolve("DestCreds", null, ECR_FIPS).username());
    assertEquals("AWS", s.resolve("DestCreds", null, ECR).username());
    assertEquals(
        Map.of("us-west-2", 2L),
        aws.calls().stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    AwsApiStub.Call::region, java.util.stream.Collectors.counting())));
  }
}
