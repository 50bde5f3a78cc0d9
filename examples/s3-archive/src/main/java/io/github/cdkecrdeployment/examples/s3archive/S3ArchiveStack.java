package io.github.cdkecrdeployment.examples.s3archive;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import io.github.cdkecrdeployment.S3ArchiveName;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * Uploads a {@code docker save} tarball as a CDK file asset and copies the image tagged {@link
 * #ARCHIVE_TAG} inside it into a repository. No Docker is needed at deploy time: the Lambda reads
 * the archive from S3 and pushes its layers.
 *
 * <p>{@code image/hello.tar} was written with {@code docker save example/hello:1.0 -o
 * image/hello.tar}; replace it with your own image.
 */
public class S3ArchiveStack extends Stack {

  /** The RepoTag of the image to copy inside the archive. */
  public static final String ARCHIVE_TAG = "example/hello:1.0";

  /** The tag of the copied image in the target repository. */
  public static final String TAG = "hello";

  /**
   * Defines the stack in {@code scope}.
   *
   * @param archive the {@code docker save} tarball to upload
   */
  public S3ArchiveStack(Construct scope, String id, StackProps props, Path archive) {
    super(scope, id, props);

    Asset tarball =
        Asset.Builder.create(this, "ImageArchive")
            .path(archive.toAbsolutePath().toString())
            .build();

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment deployment =
        ECRDeployment.Builder.create(this, "DeployFromS3")
            .src(
                new S3ArchiveName(
                    tarball.getS3BucketName() + "/" + tarball.getS3ObjectKey(), ARCHIVE_TAG))
            .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
            .build();
    // The handler's role may already read any object; a least-privilege role needs this one.
    deployment.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("s3:GetObject"))
            .resources(List.of(tarball.getBucket().arnForObjects(tarball.getS3ObjectKey())))
            .build());
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    // cdk synth and mvn exec:java both run in this example's folder.
    new S3ArchiveStack(
        app, "EcrDeploymentS3Archive", StackProps.builder().build(), Path.of("image", "hello.tar"));
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
