package io.github.cdkecrdeployment.examples.specificarchitecture;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.constructs.Construct;

/**
 * Copies only the {@code linux/arm64} image out of a multi-architecture source (an image index),
 * for example for Graviton-based services. The destination tag then holds that single image.
 */
public class SpecificArchitectureStack extends Stack {

  /** The multi-architecture source image. */
  public static final String SOURCE = "public.ecr.aws/docker/library/nginx:stable";

  /** The architecture to copy. */
  public static final String ARCHITECTURE = "arm64";

  /** The tag of the copied image in the target repository. */
  public static final String TAG = "nginx-arm64";

  /** Defines the stack in {@code scope}. */
  public SpecificArchitectureStack(Construct scope, String id, StackProps props) {
    super(scope, id, props);

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment deployment =
        ECRDeployment.Builder.create(this, "DeployArm64")
            .src(new DockerImageName(SOURCE))
            .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
            .imageArch(List.of(ARCHITECTURE))
            .build();

    CfnOutput.Builder.create(this, "RepositoryName").value(repository.getRepositoryName()).build();
    // The digest now at the destination tag: the arm64 image's digest in the source index.
    CfnOutput.Builder.create(this, "ImageDigest").value(deployment.getImageDigest()).build();
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    new SpecificArchitectureStack(
        app, "EcrDeploymentSpecificArchitecture", StackProps.builder().build());
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
