package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.RESOURCE_TYPE;
import static io.github.cdkecrdeployment.Fixture.only;
import static io.github.cdkecrdeployment.Fixture.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/** The copying Lambda function: its settings, sharing, networking and role. */
class HandlerFunctionTest {
  private static final String FUNCTION_512 =
      "CustomCDKECRDeploymentbd07c930edb94112a20f03f096f53666512MiB28EAD8E4";

  @TempDir Path outdir;
  private Fixture f;

  @BeforeEach
  void setUp() {
    f = new Fixture(outdir);
  }

  @Test
  void theFunctionRunsTheJavaHandlerForFifteenMinutes() {
    f.deployment("ECR").build();

    Map<String, Object> fn = properties(only(f.template(), "AWS::Lambda::Function"));
    assertEquals("java21", fn.get("Runtime"));
    assertEquals(
        "io.github.cdkecrdeployment.handler.EcrDeploymentHandler::handleRequest",
        fn.get("Handler"));
    assertEquals(900, ((Number) fn.get("Timeout")).intValue());
    assertEquals(512, ((Number) fn.get("MemorySize")).intValue());
    assertEquals(
        "Custom resource handler for copying Docker images between docker registries.",
        fn.get("Description"));
  }

  @Test
  void deploymentsWithTheSameMemoryShareOneFunctionAndAnotherSizeGetsItsOwn() {
    f.deployment("A").build();
    f.deployment("B").memoryLimit(512).build();
    f.deployment("C").memoryLimit(1024).build();

    Template two = f.template();
    Map<String, Map<String, Object>> functions = two.findResources("AWS::Lambda::Function");
    assertEquals(2, functions.size(), functions::toString);
    String big =
        functions.keySet().stream()
            .filter(id -> !id.equals(FUNCTION_512))
            .findFirst()
            .orElseThrow();
    assertTrue(
        big.startsWith("CustomCDKECRDeploymentbd07c930edb94112a20f03f096f536661024MiB"), big);
    assertEquals(1024, ((Number) properties(functions.get(big)).get("MemorySize")).intValue());

    // Each custom resource calls the function of its own size.
    Map<String, String> tokenOf =
        two.findResources(RESOURCE_TYPE).entrySet().stream()
            .collect(
                Collectors.toMap(
                    e -> e.getKey().substring(0, 1),
                    e -> properties(e.getValue()).get("ServiceToken").toString()));
    assertTrue(tokenOf.get("A").contains(FUNCTION_512), tokenOf::toString);
    assertTrue(tokenOf.get("B").contains(FUNCTION_512), tokenOf::toString);
    assertTrue(tokenOf.get("C").contains(big), tokenOf::toString);
  }

  @Test
  void vpcSubnetsAndAnyISecurityGroupAreWired() {
    // Isolated subnets, so the selection differs from the default one (the private subnets).
    Vpc vpc =
        Vpc.Builder.create(f.stack, "Vpc")
            .maxAzs(2)
            .natGateways(1)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder().name("pub").subnetType(SubnetType.PUBLIC).build(),
                    SubnetConfiguration.builder()
                        .name("app")
                        .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                        .build(),
                    SubnetConfiguration.builder()
                        .name("iso")
                        .subnetType(SubnetType.PRIVATE_ISOLATED)
                        .build()))
            .build();
    ISecurityGroup imported =
        SecurityGroup.fromSecurityGroupId(f.stack, "Imported", "sg-0123456789abcdef0");
    SecurityGroup created = SecurityGroup.Builder.create(f.stack, "Created").vpc(vpc).build();
    f.deployment("ECR")
        .vpc(vpc)
        .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
        .securityGroups(List.of(imported, created))
        .build();

    Template template = f.template();
    Map<String, Object> vpcConfig =
        (Map<String, Object>) properties(only(template, "AWS::Lambda::Function")).get("VpcConfig");
    assertEquals(
        List.of(
            "sg-0123456789abcdef0",
            Map.of("Fn::GetAtt", List.of(logicalId(template, "Created"), "GroupId"))),
        vpcConfig.get("SecurityGroupIds"));
    List<Object> expectedSubnets =
        vpc.getIsolatedSubnets().stream()
            .map(s -> f.stack.resolve(s.getSubnetId()))
            .collect(Collectors.toList());
    assertEquals(expectedSubnets, vpcConfig.get("SubnetIds"));
    assertEquals(2, expectedSubnets.size());
  }

  @Test
  void aGivenRoleIsUsedAndGetsTheCopyPermissions() {
    Role role =
        Role.Builder.create(f.stack, "MyRole")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .build();
    f.deployment("ECR").role(role).build();

    Template template = f.template();
    String roleId = logicalId(template, "MyRole");
    template.resourceCountIs("AWS::IAM::Role", 1);
    template.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("Role", Map.of("Fn::GetAtt", List.of(roleId, "Arn"))));
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Map.of(
            "Roles",
            List.of(Map.of("Ref", roleId)),
            "PolicyDocument",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Map.of("Action", "s3:GetObject", "Effect", "Allow", "Resource", "*"))))));
  }

  @Test
  void addToPrincipalPolicyExtendsTheHandlerRole() {
    ECRDeployment d = f.deployment("ECR").build();
    boolean added =
        d.addToPrincipalPolicy(
                PolicyStatement.Builder.create()
                    .actions(List.of("secretsmanager:GetSecretValue"))
                    .resources(List.of("arn:aws:secretsmanager:us-east-1:123456789012:secret:x"))
                    .build())
            .getStatementAdded();

    assertTrue(added);
    List<Object> statements = Fixture.statements(f.template());
    assertEquals(3, statements.size());
    assertEquals(
        Fixture.allow(
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"),
        statements.get(2));
  }

  private static String logicalId(final Template template, final String prefix) {
    Set<String> ids =
        template.toJSON().get("Resources") instanceof Map<?, ?> r
            ? r.keySet().stream()
                .map(Object::toString)
                .filter(id -> id.startsWith(prefix) && id.length() == prefix.length() + 8)
                .collect(Collectors.toSet())
            : Set.of();
    assertEquals(1, ids.size(), () -> prefix + " → " + ids);
    return ids.iterator().next();
  }
}
