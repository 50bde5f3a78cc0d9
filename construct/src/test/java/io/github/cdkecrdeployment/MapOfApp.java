package io.github.cdkecrdeployment;

import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.Repository;

/**
 * A CDK app as a user writes it, with {@code Map.of} for {@code archImageTags} and {@code
 * retryConfigs}. Run in a child JVM by {@link DeterministicTemplateTest}: {@code Map.of}'s
 * iteration order is seeded anew in every JVM, which is what made templates flip.
 *
 * <p>Argument: the outdir to synthesize to ({@code Stack.template.json} is written there). Prints
 * the iteration order that {@code Map.of} had in this JVM on stdout.
 */
final class MapOfApp {
  private MapOfApp() {}

  public static void main(final String[] args) throws Exception {
    App app = App.Builder.create().outdir(args[0]).build();
    Stack stack = new Stack(app, "Stack");
    Repository repo = Repository.Builder.create(stack, "Repo").repositoryName("repo").build();
    Map<String, String> archTags =
        Map.of("amd64", "app-amd64", "arm64", "app-arm64", "arm/v7", "app-armv7", "ppc64le", "p");
    Map<String, Number> retry = Map.of("numAttempts", 3, "baseDelay", 1, "maxDelay", 5);
    ECRDeployment.Builder.create(stack, "Deploy")
        .src(new DockerImageName("nginx:latest"))
        .dest(new DockerImageName(repo.getRepositoryUri() + ":latest"))
        .copyImageIndex(true)
        .archImageTags(archTags)
        .retryConfigs(retry)
        .build();
    app.synth();
    System.out.println(
        String.join(",", archTags.keySet())
            + ";"
            + retry.keySet().stream().collect(Collectors.joining(",")));
    System.out.flush();
    // The jsii runtime keeps non-daemon threads; end the JVM once the template is written.
    System.exit(0);
  }
}
