package io.github.cdkecrdeployment.handler.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Docker Hub-style name normalisation and reference parsing. */
class ImageReferenceTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void dockerHubShortNames() {
    ImageReference nginx = ImageReference.parse("nginx");
    assertEquals("registry-1.docker.io", nginx.registry());
    assertEquals("library/nginx", nginx.repository());
    assertEquals("latest", nginx.tag());
    ImageReference lib = ImageReference.parse("library/nginx:1.27");
    assertEquals("registry-1.docker.io/library/nginx", lib.repositoryUri());
    assertEquals("1.27", lib.tag());
    ImageReference user = ImageReference.parse("user/repo@" + DIGEST);
    assertEquals("user/repo", user.repository());
    assertNull(user.tag());
    assertEquals(DIGEST, user.reference());
    assertEquals("library/alpine", ImageReference.parse("docker.io/alpine").repository());
    assertEquals("library/alpine", ImageReference.parse("index.docker.io/alpine:3").repository());
  }

  @Test
  void hostsWithPortsTagsAndDigests() {
    ImageReference r = ImageReference.parse("127.0.0.1:5000/a/b:v1@" + DIGEST);
    assertEquals("127.0.0.1:5000", r.registry());
    assertEquals("a/b", r.repository());
    assertEquals("v1", r.tag());
    assertEquals(DIGEST, r.reference());
    assertEquals("localhost", ImageReference.parse("localhost/app").registry());
    assertEquals(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        ImageReference.parse("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest").registry());
    assertEquals("public.ecr.aws", ImageReference.parse("public.ecr.aws/nginx/nginx").registry());
  }

  @Test
  void badReferencesNameTheValueAndTheForm() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("Upper/Case"));
    assertTrue(e.getMessage().contains("'Upper/Case'"), e.getMessage());
    assertTrue(e.getMessage().contains("[registry[:port]/]repository"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageReference.parse("app@sha256:12"));
    assertThrows(IllegalArgumentException.class, () -> ImageReference.parse(""));
  }
}
