package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.cdkecrdeployment.handler.testing.AwsApiStub;
import io.github.cdkecrdeployment.handler.testing.CfnEvents;
import io.github.cdkecrdeployment.handler.testing.FaultProxy;
import io.github.cdkecrdeployment.handler.testing.RegistryExtension;
import io.github.cdkecrdeployment.handler.testing.ResponseUrlServer;
import io.github.cdkecrdeployment.handler.testing.TestCa;
import io.github.cdkecrdeployment.handler.testing.TestImages;
import io.github.cdkecrdeployment.handler.testing.TestImages.Format;
import io.github.cdkecrdeployment.handler.testing.TestImages.Node;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connection resets while a blob's body is being uploaded are transient failures like any other
 * reset: the blob starts again from its HEAD, within the per-request bound of 6 attempts, and the
 * copy ends with the source digest.
 */
class ReliabilityUploadResetTest {
  @RegisterExtension static final RegistryExtension SOURCE = RegistryExtension.anonymous();
  @RegisterExtension static final RegistryExtension DEST = RegistryExtension.anonymous();
  @RegisterExtension final ResponseUrlServer cfn = new ResponseUrlServer();
  @RegisterExtension final AwsApiStub aws = new AwsApiStub();

  /** Resets in a row, fewer than the 6 attempts every request gets. */
  static final int RESETS = 3;

  @ParameterizedTest(name = "layer of {0} bytes")
  @ValueSource(ints = {40_000, 4_000_000})
  void aResetWhileAnUploadBodyIsSentIsRetried(int layerSize) throws Exception {
    TestCa.shared().trustInThisJvm();
    TestImages gen = new TestImages(1161);
    Node image = gen.image(Format.OCI, "linux/amd64").layers(layerSize).build();
    String repo = "seed/big" + layerSize;
    gen.push(SOURCE.server().http(), repo, "v1", image);
    try (FaultProxy dest = FaultProxy.start(DEST.server())) {
      dest.inject(FaultProxy.Fault.drop(null, "/blobs/uploads/[0-9a-f-]{36}", RESETS));
      JsonNode r =
          new Deployments(aws.settings().build())
              .create(
                  cfn,
                  CfnEvents.props(
                      "docker://" + SOURCE.server().host() + "/" + repo + ":v1",
                      "docker://" + dest.host() + "/out/big" + layerSize + ":v1"));
      assertEquals(RESETS, dest.faultsInjected(), "the resets were injected");
      assertEquals("SUCCESS", r.path("Status").asText(), r.toString());
      assertEquals(image.digest(), r.path("Data").path("ImageDigest").asText());
      assertEquals(
          image.digest(), DEST.server().http().manifestDigest("out/big" + layerSize, "v1"));
    }
  }
}
