package io.github.cdkecrdeployment.handler.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.registry.ImageReference;
import io.github.cdkecrdeployment.handler.registry.RequestRetry;
import io.github.cdkecrdeployment.handler.testing.ImageArchives;
import io.github.cdkecrdeployment.handler.testing.ImageArchives.Image;
import io.github.cdkecrdeployment.handler.testing.InMemoryRegistry;
import io.github.cdkecrdeployment.handler.testing.S3ProxyExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every source must do the same, run once per source: a registry ({@code docker://}) and an S3
 * archive ({@code s3://}, through s3proxy) holding the very same 3-platform OCI index.
 */
class EverySourceTest {
  @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();

  private static final String BUCKET = "every-source";
  private static final InMemoryRegistry REGISTRY = new InMemoryRegistry();
  private static ImageArchives.OciArchive index;
  private static String foreignManifest;
  private static final String FOREIGN_LAYER = "sha256:" + "f".repeat(64);

  /** The two kinds of source. */
  enum Source {
    REGISTRY(
        "docker://src.example/lib/app:v1",
        "docker://src.example/lib/single:v1",
        "docker://src.example/lib/foreign:v1"),
    ARCHIVE(
        "s3://" + BUCKET + "/index.tar",
        "s3://" + BUCKET + "/single.tar",
        "s3://" + BUCKET + "/foreign.tar");

    final String indexUri;
    final String singleUri;
    final String foreignUri;

    Source(String indexUri, String singleUri, String foreignUri) {
      this.indexUri = indexUri;
      this.singleUri = singleUri;
      this.foreignUri = foreignUri;
    }
  }

  @BeforeAll
  static void images() throws Exception {
    Image amd = ImageArchives.image(71, "amd64", 2, 6_000);
    Image arm64 = ImageArchives.image(72, "arm64", 1, 6_000);
    Image armv7 = ImageArchives.image(73, "arm", 1, 6_000);
    index =
        ImageArchives.ociArchive(
            List.of(amd, arm64, armv7), List.of("amd64", "arm64/v8", "arm/v7"), "v1");
    S3.put(BUCKET, "index.tar", index.tar().finish());
    S3.put(
        BUCKET,
        "single.tar",
        ImageArchives.dockerSaveLegacy(List.of(amd), List.of(List.of("app:v1"))).finish());
    S3.put(BUCKET, "foreign.tar", foreignArchive(amd));
    // The registry source gets the same bytes: copied in whole from the archives.
    copier()
        .copy(
            request("s3://" + BUCKET + "/index.tar", "src.example/lib/app:v1")
                .selection(Selection.all())
                .build());
    copier().copy(request("s3://" + BUCKET + "/single.tar", "src.example/lib/single:v1").build());
    copier().copy(request("s3://" + BUCKET + "/foreign.tar", "src.example/lib/foreign:v1").build());
  }

  /** An OCI archive of one image with a foreign layer (its bytes live at a URL, not here). */
  private static byte[] foreignArchive(Image img) {
    byte[] layer = ImageArchives.gzip(img.layers().get(0));
    String layerDigest = ImageArchives.sha256(layer);
    byte[] manifest =
        ("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
                + "  \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"digest\": \""
                + img.configDigest()
                + "\", \"size\": "
                + img.config().length
                + "},\n  \"layers\": [\n    {\"mediaType\":"
                + " \"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\", \"digest\": \""
                + FOREIGN_LAYER
                + "\", \"size\": 1234, \"urls\": [\"https://foreign.example/layer\"]},\n"
                + "    {\"mediaType\": \"application/vnd.oci.image.layer.v1.tar+gzip\", \"digest\": \""
                + layerDigest
                + "\", \"size\": "
                + layer.length
                + "}\n  ]\n}\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    foreignManifest = ImageArchives.sha256(manifest);
    return new io.github.cdkecrdeployment.handler.testing.TarWriter()
        .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
        .file("blobs/sha256/" + img.configDigest().substring(7), img.config())
        .file("blobs/sha256/" + layerDigest.substring(7), layer)
        .file("blobs/sha256/" + foreignManifest.substring(7), manifest)
        .file(
            "index.json",
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + foreignManifest
                + "\",\"size\":"
                + manifest.length
                + "}]}")
        .finish();
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void foreignLayersStayWhereTheirUrlsPoint(Source source) throws Exception {
    CopyResult r =
        copier()
            .copy(
                request(
                        source.foreignUri,
                        "dest.example/foreign/" + source.name().toLowerCase() + ":v1")
                    .build());
    assertEquals(foreignManifest, r.digest());
    assertEquals(null, REGISTRY.blob(FOREIGN_LAYER), "the foreign layer is not copied");
  }

  private static Copier copier() {
    return Copier.builder()
        .registries(REGISTRY)
        .s3(() -> Copier.s3Client(S3.settings()))
        .archiveBlockSize(4096)
        .blobRetry(new RequestRetry(3, Duration.ofMillis(10), Duration.ofMillis(50)))
        .build();
  }

  private static CopyRequest.Builder request(String src, String dest) {
    return CopyRequest.builder(SourceLocation.parse(src), ImageReference.parse(dest));
  }

  static Stream<Arguments> archForms() {
    return Stream.of(Source.values())
        .flatMap(
            s ->
                Stream.of(
                    Arguments.of(s, "amd64", 0),
                    Arguments.of(s, "x86_64", 0),
                    Arguments.of(s, "linux/amd64", 0),
                    Arguments.of(s, "arm64", 1),
                    Arguments.of(s, "aarch64", 1),
                    Arguments.of(s, "linux/arm64/v8", 1),
                    Arguments.of(s, "arm/v7", 2)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("archForms")
  void everyArchitectureFormSelectsTheSameChild(Source source, String arch, int child)
      throws Exception {
    String dest = "dest.example/arch/" + source.name().toLowerCase() + ":" + arch.replace('/', '-');
    CopyResult r =
        copier().copy(request(source.indexUri, dest).selection(Selection.arch(arch)).build());
    assertEquals(index.manifestDigests().get(child), r.digest());
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void aSecondCopyOfAnIndexOntoItsTagWritesNothing(Source source) throws Exception {
    String repo = "dest.example/again/" + source.name().toLowerCase();
    CopyRequest all =
        request(source.indexUri, repo + ":v1")
            .selection(Selection.all())
            .archTags(Map.of("arm64", "v1-arm64", "arm/v7", "v1-armv7"))
            .build();
    CopyResult first = copier().copy(all);
    assertEquals(index.indexDigest(), first.digest());
    int before = REGISTRY.operations().size();
    CopyResult again = copier().copy(all);
    assertTrue(again.pushedNothing());
    assertEquals(List.of(), REGISTRY.operations().subList(before, REGISTRY.operations().size()));
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void archImageTagsOnASinglePlatformImageIsTheSameError(Source source) {
    CopyException e =
        assertThrows(
            CopyException.class,
            () ->
                copier()
                    .copy(
                        request(source.singleUri, "dest.example/single/x:v1")
                            .selection(Selection.all())
                            .archTags(Map.of("arm64", "v1-arm64"))
                            .build()));
    assertTrue(e.getMessage().contains("archImageTags need an index source, but "), e.getMessage());
    assertTrue(e.getMessage().endsWith(" — remove ArchImageTags"), e.getMessage());
  }
}
