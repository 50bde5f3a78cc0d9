package io.github.cdkecrdeployment.integ.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The asset manifest ({@code <stack>.assets.json}) of a cloud assembly: what {@code cdk deploy}
 * would upload (files to the assets bucket, Docker images to the assets repository) and from where.
 */
public final class AssetManifest {

  /**
   * A file asset.
   *
   * @param id the asset hash
   * @param source the staged file or directory in the cloud assembly
   * @param packaging {@code file} (uploaded as is) or {@code zip} (a directory zipped)
   * @param bucketName the destination bucket, placeholders resolved for {@link LocalCloud}
   * @param objectKey the destination key
   */
  public record FileAsset(
      String id, Path source, String packaging, String bucketName, String objectKey) {}

  /**
   * A Docker image asset.
   *
   * @param id the asset hash
   * @param directory the staged build context in the cloud assembly
   * @param repositoryName the destination repository, placeholders resolved
   * @param imageTag the destination tag
   */
  public record DockerImageAsset(
      String id, Path directory, String repositoryName, String imageTag) {}

  private final List<FileAsset> files;
  private final List<DockerImageAsset> dockerImages;

  private AssetManifest(List<FileAsset> files, List<DockerImageAsset> dockerImages) {
    this.files = List.copyOf(files);
    this.dockerImages = List.copyOf(dockerImages);
  }

  /** Reads the manifest at {@code file}; a missing file is an empty manifest. */
  static AssetManifest read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new AssetManifest(List.of(), List.of());
    }
    Path dir = file.getParent();
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    List<FileAsset> files = new ArrayList<>();
    root.path("files")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode a = e.getValue();
              JsonNode dest = a.path("destinations").elements().next();
              files.add(
                  new FileAsset(
                      e.getKey(),
                      dir.resolve(a.path("source").path("path").asText()),
                      a.path("source").path("packaging").asText("file"),
                      placeholders(dest.path("bucketName").asText()),
                      dest.path("objectKey").asText()));
            });
    List<DockerImageAsset> images = new ArrayList<>();
    root.path("dockerImages")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode a = e.getValue();
              JsonNode dest = a.path("destinations").elements().next();
              images.add(
                  new DockerImageAsset(
                      e.getKey(),
                      dir.resolve(a.path("source").path("directory").asText()),
                      placeholders(dest.path("repositoryName").asText()),
                      dest.path("imageTag").asText()));
            });
    return new AssetManifest(files, images);
  }

  private static String placeholders(String s) {
    return s.replace("${AWS::AccountId}", LocalCloud.ACCOUNT)
        .replace("${AWS::Region}", LocalCloud.REGION)
        .replace("${AWS::Partition}", "aws");
  }

  /** The file assets. */
  public List<FileAsset> files() {
    return files;
  }

  /** The Docker image assets. */
  public List<DockerImageAsset> dockerImages() {
    return dockerImages;
  }

  /** The file asset uploaded under {@code objectKey}. */
  public FileAsset fileByObjectKey(String objectKey) {
    return files.stream()
        .filter(f -> f.objectKey().equals(objectKey))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no file asset with object key " + objectKey + " in " + files));
  }
}
