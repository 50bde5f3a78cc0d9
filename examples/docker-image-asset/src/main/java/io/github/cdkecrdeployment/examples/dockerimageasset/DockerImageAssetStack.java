package io.github.cdkecrdeployment.examples.dockerimageasset;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.assets.DockerImageAsset;
import software.constructs.Construct;

/**
 * Builds an image from {@code image/Dockerfile} as a CDK asset (pushed by {@code cdk deploy} to the
 * bootstrap assets repository under a content hash) and copies it into a repository of this stack
 * under a tag of your choosing.
 */
public class DockerImageAssetStack extends Stack {

  /** The tag the image gets in the target repository. */
  public static final String TAG = "latest";

  /**
   * Defines the stack in {@code scope}.
   *
   * @param imageDirectory the Docker build context (this example's {@code image/} folder)
   */
  public DockerImageAssetStack(Construct scope, String id, StackProps props, Path imageDirectory) {
    super(scope, id, props);

    DockerImageAsset image =
        DockerImageAsset.Builder.create(this, "Image")
            .directory(imageDirectory.toAbsolutePath().toString())
            .build();

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment.Builder.create(this, "DeployImageAsset")
        .src(new DockerImageName(image.getImageUri()))
        .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
        .build();
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    // cdk synth and mvn exec:java both run in this example's folder.
    new DockerImageAssetStack(
        app, "EcrDeploymentDockerImageAsset", StackProps.builder().build(), Path.of("image"));
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
