package io.github.cdkecrdeployment.examples.multiarchindex;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.constructs.Construct;

/**
 * Copies a whole multi-architecture image index (every platform image it lists, byte for byte, so
 * the index digest is unchanged) and also tags the amd64 and arm64 images on their own, so each can
 * be pulled by a readable tag.
 */
public class MultiArchIndexStack extends Stack {

  /** The multi-architecture source image. */
  public static final String SOURCE = "public.ecr.aws/docker/library/nginx:stable";

  /** The tag of the copied index. */
  public static final String TAG = "nginx";

  /** Extra tags of single-architecture images, by architecture. */
  public static final Map<String, String> ARCH_TAGS =
      Map.of("amd64", "nginx-amd64", "arm64", "nginx-arm64");

  /** Defines the stack in {@code scope}. */
  public MultiArchIndexStack(Construct scope, String id, StackProps props) {
    super(scope, id, props);

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment.Builder.create(this, "DeployImageIndex")
        .src(new DockerImageName(SOURCE))
        .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
        .copyImageIndex(true)
        .archImageTags(ARCH_TAGS)
        .build();
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    new MultiArchIndexStack(app, "EcrDeploymentMultiArchIndex", StackProps.builder().build());
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
