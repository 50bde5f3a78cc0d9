package io.github.cdkecrdeployment.examples.vpc;

import io.github.cdkecrdeployment.DockerImageName;
import io.github.cdkecrdeployment.ECRDeployment;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.Repository;
import software.constructs.Construct;

/**
 * Runs the copy Lambda inside a VPC, in private subnets that reach the registries through a NAT
 * gateway (or VPC endpoints for ECR, S3 and Secrets Manager) — for accounts whose policy puts every
 * function in a VPC.
 */
public class VpcStack extends Stack {

  /** The source image. */
  public static final String SOURCE = "public.ecr.aws/docker/library/alpine:3.20";

  /** The tag of the copied image in the target repository. */
  public static final String TAG = "alpine";

  /** Defines the stack in {@code scope}. */
  public VpcStack(Construct scope, String id, StackProps props) {
    super(scope, id, props);

    Vpc vpc = Vpc.Builder.create(this, "Vpc").maxAzs(2).natGateways(1).build();
    // Flow logs record the function's traffic to the registries (cdk-nag AwsSolutions-VPC7).
    vpc.addFlowLog("FlowLog");

    Repository repository =
        Repository.Builder.create(this, "TargetRepo")
            .removalPolicy(RemovalPolicy.DESTROY)
            .emptyOnDelete(true)
            .build();

    ECRDeployment.Builder.create(this, "DeployInVpc")
        .src(new DockerImageName(SOURCE))
        .dest(new DockerImageName(repository.getRepositoryUri() + ":" + TAG))
        .vpc(vpc)
        .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
        .build();
  }

  /** Synthesizes the app: {@code cdk synth} or {@code mvn compile exec:java}. */
  public static void main(String[] args) {
    App app = new App();
    new VpcStack(app, "EcrDeploymentVpc", StackProps.builder().build());
    // cdk synth reads the assembly from cdk.out; run with mvn exec:java, it goes to a temporary
    // folder.
    System.out.println("Cloud assembly: " + app.synth().getDirectory());
  }
}
