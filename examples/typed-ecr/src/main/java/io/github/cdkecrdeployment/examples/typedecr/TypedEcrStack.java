package io.github.cdkecrdeployment.examples.typedecr;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import io.github.cdkecrdeployment.EcrImageName;
import io.github.cdkecrdeployment.S3ArchiveName;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * Two copies into one typed repository, each under several tags, with least-privilege IAM and
 * cleanup on delete:
 *
 * <ul>
 *   <li>the image {@link #ARCHIVE_TAG} of a {@code docker save} tarball shipped as a CDK file asset
 *       ({@code S3ArchiveName.fromAsset}: the handler may read that one object only) to {@code 1.0}
 *       and {@code stable};
 *   <li>an image of a private registry, whose credentials are in a Secrets Manager secret ({@code
 *       ISecret}: the role may read that secret only), to {@code mirror} and {@code mirror-stable}.
 * </ul>
 *
 * <p>The destination is {@code EcrImageName.of(repository, tag)}: the role may push to that
 * repository only, and the copies wait for the repository. {@code RemovalPolicy.DESTROY} removes
 * exactly the tags each deployment pushed when it is deleted.
 */
public class TypedEcrStack extends Stack {

  /** The RepoTag of the image to copy inside the archive. */
  public static final String ARCHIVE_TAG = "example/hello:1.0";

  /** The tags of the archive's image in the repository. */
  public static final List<String> ARCHIVE_TAGS = List.of("1.0", "stable");

  /** The tags of the mirrored private image in the repository. */
  public static final List<String> MIRROR_TAGS = List.of("mirror", "mirror-stable");

  /** The image mirrored by default. */
  public static final String DEFAULT_SOURCE = "registry.example.com/team/private-app:1.0";

  /** The Secrets Manager secret read by default. */
  public static final String DEFAULT_SECRET = "cdk-ecr-deployment/typed-example";

  /**
   * Defines the stack in {@code scope}.
   *
   * @param archive the {@code docker save} tarball to ship as an asset
   * @param privateImage the private registry image to mirror
   * @param secretName the name of the secret holding {@code user:password} or {@code
   *     {"username":…,"password":…}} for that registry
   */
  public TypedEcrStack(
      Construct scope,
      String id,
      StackProps props,
      Path archive,
      String privateImage,
      String secretName) {
    super(scope, id, props);

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();
    Asset tarball =
        Asset.Builder.create(this, "ImageArchive")
            .path(archive.toAbsolutePath().toString())
            .build();
    ISecret creds = Secret.fromSecretNameV2(this, "RegistryCreds", secretName);

    ECRDeployment fromAsset =
        ECRDeployment.Builder.create(this, "DeployFromAsset")
            .src(S3ArchiveName.fromAsset(tarball, ARCHIVE_TAG))
            .dest(EcrImageName.of(repository, ARCHIVE_TAGS.get(0)))
            .additionalTags(ARCHIVE_TAGS.subList(1, ARCHIVE_TAGS.size()))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    ECRDeployment.Builder.create(this, "MirrorPrivate")
        .src(new DockerImageName(privateImage, creds))
        .dest(EcrImageName.of(repository, MIRROR_TAGS.get(0)))
        .additionalTags(MIRROR_TAGS.subList(1, MIRROR_TAGS.size()))
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();

    CfnOutput.Builder.create(this, "ImageUri").value(fromAsset.getImageUri()).build();
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    // cdk synth and mvn exec:java both run in this example's folder.
    new TypedEcrStack(
        app,
        "EcrDeploymentTypedEcr",
        StackProps.builder().build(),
        Path.of("image", "hello.tar"),
        DEFAULT_SOURCE,
        DEFAULT_SECRET);
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
