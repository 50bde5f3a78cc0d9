package io.github.cdkecrdeployment.handler;

import io.github.cdkecrdeployment.handler.archive.ArchiveCopier;
import io.github.cdkecrdeployment.handler.copy.CopyException;
import io.github.cdkecrdeployment.handler.copy.CopyRequest;
import io.github.cdkecrdeployment.handler.copy.CopyResult;
import io.github.cdkecrdeployment.handler.copy.ImageCopier;
import io.github.cdkecrdeployment.handler.copy.RegistryCopier;
import io.github.cdkecrdeployment.handler.copy.SourceLocation;
import io.github.cdkecrdeployment.handler.registry.JibRegistryAdapter;
import io.github.cdkecrdeployment.handler.registry.RegistryConnector;
import java.util.Objects;

/**
 * Routes a copy by its source: registry sources ({@code docker://}) to the registry-to-registry
 * engine, S3 archives ({@code s3://}) to the archive copier. Shared by the Lambda handler and the
 * command line.
 */
public final class ImageCopiers implements ImageCopier {
  private final ImageCopier registry;
  private final ImageCopier archive;

  /**
   * Creates one.
   *
   * @param registry copies {@link SourceLocation.Docker} sources
   * @param archive copies {@link SourceLocation.S3} sources
   */
  public ImageCopiers(ImageCopier registry, ImageCopier archive) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.archive = Objects.requireNonNull(archive, "archive");
  }

  /**
   * The production copiers, with AWS clients from {@code aws}.
   *
   * @param aws how AWS clients are built
   */
  public static ImageCopiers standard(AwsSettings aws) {
    RegistryConnector connector = new JibRegistryAdapter();
    return new ImageCopiers(
        new RegistryCopier(connector),
        new ArchiveCopier(() -> ArchiveCopier.s3Client(aws), connector));
  }

  @Override
  public CopyResult copy(CopyRequest request) throws CopyException, InterruptedException {
    if (request.source() instanceof SourceLocation.S3) {
      return archive.copy(request);
    }
    return registry.copy(request);
  }
}
