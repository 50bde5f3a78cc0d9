package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.RESOURCE_TYPE;
import static io.github.cdkecrdeployment.Fixture.only;
import static io.github.cdkecrdeployment.Fixture.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stack migrated from the jsii binding that starts reading the digest must make CloudFormation
 * run the handler once: a resource created by upstream's handler has no {@code ImageDigest}.
 */
class DigestAttributeTest {
  @TempDir Path outdir;

  @Test
  void withoutAGetterThereIsNoExtraProperty() {
    Fixture f = new Fixture(outdir);
    f.deployment("ECR").build();
    assertFalse(properties(only(f.template(), RESOURCE_TYPE)).containsKey("ExposeImageDigest"));
  }

  @Test
  void eitherGetterAddsTheProperty() {
    Fixture f = new Fixture(outdir);
    f.deployment("A").build().getImageDigest();
    f.deployment("B").build().getImageUri();
    ECRDeployment both = f.deployment("C").build();
    both.getImageDigest();
    both.getImageUri();

    Map<String, Map<String, Object>> resources = f.template().findResources(RESOURCE_TYPE);
    assertEquals(3, resources.size());
    resources.forEach(
        (id, r) -> assertEquals(true, properties(r).get("ExposeImageDigest"), id + ": " + r));
  }
}
