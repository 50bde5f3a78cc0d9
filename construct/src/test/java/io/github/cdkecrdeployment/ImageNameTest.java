package io.github.cdkecrdeployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ImageNameTest {
  @Test
  void dockerImageNameUriIsDockerTransport() {
    assertEquals("docker://nginx:latest", new DockerImageName("nginx:latest").getUri());
  }

  @Test
  void s3ArchiveNameAppendsTheReferenceAfterAColon() {
    assertEquals(
        "s3://bucket/nginx.tar:nginx:latest",
        new S3ArchiveName("bucket/nginx.tar", "nginx:latest").getUri());
    assertEquals("s3://bucket/nginx.tar", new S3ArchiveName("bucket/nginx.tar").getUri());
    // Upstream appends only a non-empty reference.
    assertEquals("s3://bucket/nginx.tar", new S3ArchiveName("bucket/nginx.tar", "").getUri());
    assertEquals("s3://bucket/a.tar:@1", new S3ArchiveName("bucket/a.tar", "@1", "u:p").getUri());
  }

  @Test
  void credentialsAreKeptSettableAndNeverPrinted() {
    DockerImageName docker = new DockerImageName("ghcr.io/o/r:1", "user:secret");
    assertEquals("user:secret", docker.getCreds());
    docker.setCreds("arn:aws:secretsmanager:us-east-1:123456789012:secret:x");
    assertEquals("arn:aws:secretsmanager:us-east-1:123456789012:secret:x", docker.getCreds());
    assertNull(new DockerImageName("nginx").getCreds());
    assertFalse(new DockerImageName("nginx", "user:secret").toString().contains("secret"));

    S3ArchiveName s3 = new S3ArchiveName("bucket/key.tar", null, "user:secret");
    assertEquals("user:secret", s3.getCreds());
    s3.setCreds(null);
    assertNull(s3.getCreds());
    assertFalse(new S3ArchiveName("b/k", null, "user:secret").toString().contains("secret"));
  }

  @Test
  void aNullNameIsRejectedWithTheFix() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new DockerImageName(null));
    assertEquals(
        "name must not be null: pass an image reference such as \"nginx:latest\"", e.getMessage());
    assertThrows(NullPointerException.class, () -> new S3ArchiveName(null, "x"));
  }

  @Test
  void anInterfaceImplementationNeedsOnlyAUri() {
    IImageName custom = () -> "docker://example.com/a:b";
    assertNull(custom.getCreds());
    assertThrows(UnsupportedOperationException.class, () -> custom.setCreds("u:p"));
  }
}
