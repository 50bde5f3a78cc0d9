package io.github.cdkecrdeployment.examples.privateregistry;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * Copies an image from a private registry whose credentials live in AWS Secrets Manager, as plain
 * text {@code user:password} or JSON {@code {"username":"…","password":"…"}}. The credentials never
 * appear in the template: the custom resource carries only the secret's name, and the handler reads
 * the secret at deploy time with the permission granted here.
 *
 * <p>Choose the image and the secret with context values: {@code cdk synth -c
 * sourceImage=registry.example.com/team/app:1.0 -c credentialsSecret=my/registry-secret}.
 */
public class PrivateRegistryStack extends Stack {

  /** The source image when no {@code sourceImage} context value is given. */
  public static final String DEFAULT_SOURCE = "registry.example.com/team/private-app:1.0";

  /** The secret name when no {@code credentialsSecret} context value is given. */
  public static final String DEFAULT_SECRET = "cdk-ecr-deployment/example-registry";

  /** The tag of the copied image in the target repository. */
  public static final String TAG = "private-app";

  /**
   * Defines the stack in {@code scope}.
   *
   * @param sourceImage the private image to copy, e.g. {@code registry.example.com/team/app:1.0}
   * @param secretName the Secrets Manager secret that holds the registry credentials
   */
  public PrivateRegistryStack(
      Construct scope, String id, StackProps props, String sourceImage, String secretName) {
    super(scope, id, props);

    ISecret credentials = Secret.fromSecretNameV2(this, "RegistryCredentials", secretName);

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment deployment =
        ECRDeployment.Builder.create(this, "DeployPrivateImage")
            .src(new DockerImageName(sourceImage, credentials.getSecretName()))
            .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
            .build();
    // A secret referenced by name has an ARN ending in a random 6-character suffix.
    deployment.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(List.of(credentials.getSecretArn() + "-??????"))
            .build());
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    Object source = app.getNode().tryGetContext("sourceImage");
    Object secret = app.getNode().tryGetContext("credentialsSecret");
    new PrivateRegistryStack(
        app,
        "EcrDeploymentPrivateRegistry",
        StackProps.builder().build(),
        source == null ? DEFAULT_SOURCE : source.toString(),
        secret == null ? DEFAULT_SECRET : secret.toString());
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
