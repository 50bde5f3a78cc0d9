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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Without endpoint overrides in {@link AwsSettings}, the clients follow the SDK's standard
 * service-endpoint settings: the system properties {@code aws.endpointUrl<Service>} checked here,
 * and the {@code AWS_ENDPOINT_URL_<SERVICE>} environment variables of the same SDK setting (which a
 * Lambda or a child JVM under test gets).
 */
class SdkEndpointSettingsTest {
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  private static final List<String> PROPERTIES =
      List.of("aws.endpointUrlEcr", "aws.endpointUrlSecretsManager", "aws.endpointUrlEcrPublic");

  @Test
  void clientsFollowTheStandardEndpointSystemProperties() throws Exception {
    PROPERTIES.forEach(p -> System.setProperty(p, aws.endpoint().toString()));
    try {
      // Stored in us-west-2, the region of the settings below: a name is looked up there.
      aws.secret(
          "arn:aws:secretsmanager:us-west-2:123456789012:secret:creds-Q1w2E3",
          "eve:pw-from-secret");
      CredentialResolver.Session s =
          new CredentialResolver(
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
      ImageReference hub = ImageReference.parse("nginx:1");
      assertEquals(new Credential("eve", "pw-from-secret"), s.resolve("SrcCreds", "creds", hub));
      assertEquals(
          "AWS",
          s.resolve(
                  "DestCreds",
                  null,
                  ImageReference.parse("123456789012.dkr.ecr.us-west-2.amazonaws.com/a:1"))
              .username());
      assertEquals(
          "AWS",
          s.resolve("DestCreds", null, ImageReference.parse("public.ecr.aws/a/b:1")).username());
      List<String> targets = aws.calls().stream().map(AwsApiStub.Call::target).toList();
      assertEquals(
          List.of(
              "secretsmanager.GetSecretValue",
              "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
              "SpencerFrontendService.GetAuthorizationToken"),
          targets);
    } finally {
      PROPERTIES.forEach(System::clearProperty);
    }
  }
}
