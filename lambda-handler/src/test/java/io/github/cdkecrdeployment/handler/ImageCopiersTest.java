package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.cdkecrdeployment.handler.copy.CopyProgress;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.registry.ImageReference;
import org.junit.jupiter.api.Test;

class ImageCopiersTest {
  private static ImageCopier named(String digestHex) {
    return r ->
        new CopyResult("sha256:" + digestHex.repeat(64), r.destination(), CopyProgress.NONE, false);
  }

  @Test
  void routesBySource() throws Exception {
    ImageCopiers copiers = new ImageCopiers(named("a"), named("b"));
    ImageReference dest = ImageReference.parse("example.com/app:1");
    assertEquals(
        "sha256:" + "a".repeat(64),
        copiers
            .copy(CopyRequest.builder(SourceLocation.parse("docker://nginx"), dest).build())
            .digest());
    assertEquals(
        "sha256:" + "b".repeat(64),
        copiers
            .copy(CopyRequest.builder(SourceLocation.parse("s3://bucket/a.tar:@0"), dest).build())
            .digest());
  }
}
