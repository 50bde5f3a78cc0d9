package io.github.cdkecrdeployment;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ecr.Repository;

/** A stack as upstream's tests build it: a repository {@code repo} and a Docker Hub source. */
final class Fixture {
  static final String RESOURCE_TYPE = "Custom::CDKECRDeployment";

  final App app;
  final Stack stack;
  final Repository repo;
  final DockerImageName src = new DockerImageName("javacs3/javacs3:latest", "dockerhub");
  final DockerImageName dest;

  /**
   * @param outdir where the app synthesizes to (a test's temporary directory, so the copied handler
   *     jars are removed after the test)
   */
  Fixture(final Path outdir) {
    app = App.Builder.create().outdir(outdir.toString()).build();
    stack = new Stack(app, "Stack");
    repo = Repository.Builder.create(stack, "Repo").repositoryName("repo").build();
    dest = new DockerImageName(repo.getRepositoryUri() + ":copied");
  }

  ECRDeployment.Builder deployment(final String id) {
    return ECRDeployment.Builder.create(stack, id).src(src).dest(dest);
  }

  Template template() {
    return Template.fromStack(stack);
  }

  /** The only resource of a type in the template, as a JSON-like map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> only(final Template template, final String type) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    if (found.size() != 1) {
      throw new AssertionError("expected exactly one " + type + ", found " + found.keySet());
    }
    return found.values().iterator().next();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(final Map<String, Object> resource) {
    return (Map<String, Object>) resource.get("Properties");
  }

  /** The statements of the handler role's only policy. */
  @SuppressWarnings("unchecked")
  static List<Object> statements(final Template template) {
    Map<String, Object> doc =
        (Map<String, Object>) properties(only(template, "AWS::IAM::Policy")).get("PolicyDocument");
    return (List<Object>) doc.get("Statement");
  }

  static Map<String, Object> allow(final Object action, final Object resource) {
    return Map.of("Action", action, "Effect", "Allow", "Resource", resource);
  }
}
