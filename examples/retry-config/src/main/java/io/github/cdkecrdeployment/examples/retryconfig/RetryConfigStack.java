package io.github.cdkecrdeployment.examples.retryconfig;

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
 * Retries the whole copy up to three times, 1 to 5 seconds apart (exponential backoff), on top of
 * the per-request retries the handler always does — for flaky source registries.
 */
public class RetryConfigStack extends Stack {

  /** The source image. */
  public static final String SOURCE = "public.ecr.aws/docker/library/busybox:stable";

  /** The tag of the copied image in the target repository. */
  public static final String TAG = "busybox";

  /** Whole-copy attempts and the delay bounds between them, in seconds. */
  public static final Map<String, Number> RETRY =
      Map.of("numAttempts", 3, "baseDelay", 1, "maxDelay", 5);

  /** Defines the stack in {@code scope}. */
  public RetryConfigStack(Construct scope, String id, StackProps props) {
    super(scope, id, props);

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment.Builder.create(this, "DeployWithRetries")
        .src(new DockerImageName(SOURCE))
        .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
        .retryConfigs(RETRY)
        .build();
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    new RetryConfigStack(app, "EcrDeploymentRetryConfig", StackProps.builder().build());
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
