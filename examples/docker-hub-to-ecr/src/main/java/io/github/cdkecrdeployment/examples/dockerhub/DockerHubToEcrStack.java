package io.github.cdkecrdeployment.examples.dockerhub;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * A new ECR repository and a deployment that copies {@code nginx:1.27-alpine} from Docker Hub into
 * it.
 *
 * <p>Docker Hub limits anonymous pulls. With the context value {@code dockerHubSecret} (the name of
 * a Secrets Manager secret holding {@code user:token} or {@code {"username":…,"password":…}}) the
 * copy logs in, and the handler role may read that secret.
 */
public class DockerHubToEcrStack extends Stack {
  /** The image copied from Docker Hub. */
  static final String SOURCE = "nginx:1.27-alpine";

  /**
   * Defines the stack.
   *
   * @param scope the app
   * @param id the stack name
   */
  public DockerHubToEcrStack(final Construct scope, final String id) {
    super(scope, id);

    Repository repository =
        Repository.Builder.create(this, "Repository")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    Object secretName = getNode().tryGetContext("dockerHubSecret");
    String creds = secretName == null ? null : secretName.toString();

    ECRDeployment deployment =
        ECRDeployment.Builder.create(this, "DeployNginx")
            .src(new DockerImageName(SOURCE, creds))
            .dest(new DockerImageName(repository.getRepositoryUri() + ":1.27-alpine"))
            .build();

    if (creds != null) {
      // Secrets Manager appends six random characters to a secret's name in its ARN.
      deployment.addToPrincipalPolicy(
          PolicyStatement.Builder.create()
              .actions(List.of("secretsmanager:GetSecretValue"))
              .resources(
                  List.of(
                      "arn:"
                          + getPartition()
                          + ":secretsmanager:"
                          + getRegion()
                          + ":"
                          + getAccount()
                          + ":secret:"
                          + creds
                          + "-??????"))
              .build());
    }

    CfnOutput.Builder.create(this, "ImageUri")
        .description("The copied image, pinned by digest")
        .value(deployment.getImageUri())
        .build();
    CfnOutput.Builder.create(this, "ImageDigest")
        .description("The digest of the copied image")
        .value(deployment.getImageDigest())
        .build();
  }
}
