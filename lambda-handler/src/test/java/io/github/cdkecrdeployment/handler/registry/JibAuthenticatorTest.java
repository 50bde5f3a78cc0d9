package io.github.cdkecrdeployment.handler.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.registry.RegistryClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A registry that answers {@code /v2/} without a bearer challenge never needs jib-core's client:
 * the basic header is the one jib-core itself would send, and nothing of jib-core's transport is
 * made.
 */
class JibAuthenticatorTest {
  private static final ImageReference REF = ImageReference.parse("registry.test/team/app:v1");

  @ParameterizedTest
  @CsvSource({"AWS,eyJwYXlsb2FkIjoi", "tester,pä:ss wörd", "u,p"})
  void basicAuthIsTheHeaderJibCoreWouldSend(String user, String password) throws Exception {
    var credential = new io.github.cdkecrdeployment.handler.registry.Credential(user, password);
    var auth = authenticator(credential);

    String header = auth.negotiateFrom(401, "Basic realm=\"registry\"");

    RegistryClient jib =
        RegistryClient.factory(
                EventHandlers.NONE,
                REF.registry(),
                REF.repository(),
                new FailoverHttpClient(false, false, e -> {}))
            .setCredential(Credential.from(user, password))
            .newRegistryClient();
    jib.configureBasicAuth();
    assertEquals(JibAuthenticator.AuthorizationField.read(jib), header);
    assertEquals(header, auth.header());
    assertEquals(0, auth.jibTransportsHeld());
  }

  @ParameterizedTest
  @CsvSource({"200", "401"})
  void noCredentialAndNoBearerChallengeMeansNoHeader(int status) throws Exception {
    var auth = authenticator(null);
    assertNull(auth.negotiateFrom(status, status == 401 ? "Basic realm=\"r\"" : null));
    assertNull(auth.header());
    assertEquals(0, auth.jibTransportsHeld());
  }

  private static JibAuthenticator authenticator(
      io.github.cdkecrdeployment.handler.registry.Credential credential) {
    return new JibAuthenticator(
        REF,
        credential,
        true,
        null,
        true,
        new FailureClassifier(REF.registry(), REF.repositoryUri(), true, credential));
  }
}
