package io.github.cdkecrdeployment.examples.dockerhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class DockerHubToEcrStackTest {
  @TempDir Path outdir;

  private Template synth(final Map<String, Object> context) {
    App app = App.Builder.create().outdir(outdir.toString()).context(context).build();
    return Template.fromStack(new DockerHubToEcrStack(app, "DockerHubToEcr"));
  }

  @Test
  void copiesNginxAnonymouslyIntoTheNewRepository() {
    Template template = synth(Map.of());

    template.resourceCountIs("AWS::ECR::Repository", 1);
    template.hasResourceProperties(
        "Custom::CDKECRDeployment",
        Map.of(
            "SrcImage",
            "docker://nginx:1.27-alpine",
            "SrcCreds",
            Match.absent(),
            "DestImage",
            Match.objectLike(Map.of("Fn::Join", Match.anyValue()))));
    String outputs = template.toJSON().get("Outputs").toString();
    assertTrue(outputs.contains("ImageUri") && outputs.contains("ImageDigest"), outputs);
    assertFalse(template.toJSON().toString().contains("secretsmanager:GetSecretValue"));
  }

  @Test
  void aDockerHubSecretIsPassedAndMayBeRead() {
    Template template = synth(Map.of("dockerHubSecret", "docker-hub"));

    template.hasResourceProperties("Custom::CDKECRDeployment", Map.of("SrcCreds", "docker-hub"));
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Map.of(
            "PolicyDocument",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(Map.of("Action", "secretsmanager:GetSecretValue")))))));
    assertEquals(1, template.findResources("AWS::Lambda::Function").size());
  }
}
