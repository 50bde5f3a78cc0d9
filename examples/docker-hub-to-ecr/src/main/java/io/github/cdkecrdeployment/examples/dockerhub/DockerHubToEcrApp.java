package io.github.cdkecrdeployment.examples.dockerhub;

import software.amazon.awscdk.App;

/**
 * Synthesizes the {@code DockerHubToEcr} stack. It is environment-agnostic, so {@code cdk synth}
 * needs no AWS account or credentials.
 */
public final class DockerHubToEcrApp {
  private DockerHubToEcrApp() {}

  /**
   * Runs the app.
   *
   * @param args ignored; settings come from CDK context ({@code -c dockerHubSecret=NAME})
   */
  public static void main(final String[] args) {
    App app = new App();
    new DockerHubToEcrStack(app, "DockerHubToEcr");
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
