package io.github.cdkecrdeployment.integ.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The account and region a synthesized stack is "deployed" to in the tests, and the physical names
 * and attributes CloudFormation would give its resources there. The ECR registry of this account is
 * {@link #ECR_HOST}, which the tests serve locally.
 */
public final class LocalCloud {
  /** The account id of the emulated deployment. */
  public static final String ACCOUNT = "123456789012";

  /** The region of the emulated deployment. */
  public static final String REGION = "us-east-1";

  /** The private ECR registry host of {@link #ACCOUNT} in {@link #REGION}. */
  public static final String ECR_HOST = ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com";

  private final String stackName;
  private final JsonNode resources;
  private final JsonNode parameters;
  private final Map<String, String> refOverrides = new HashMap<>();
  private final Map<String, String> attributeOverrides = new HashMap<>();

  LocalCloud(String stackName, JsonNode template) {
    this.stackName = stackName;
    this.resources = template.path("Resources");
    this.parameters = template.path("Parameters");
  }

  /** Sets the value of {@code Ref logicalId}. */
  public LocalCloud ref(String logicalId, String value) {
    refOverrides.put(logicalId, value);
    return this;
  }

  /** Sets the value of {@code Fn::GetAtt [logicalId, attribute]}. */
  public LocalCloud attribute(String logicalId, String attribute, String value) {
    attributeOverrides.put(logicalId + "." + attribute, value);
    return this;
  }

  /** The evaluator for this stack's tokens. */
  public Intrinsics intrinsics() {
    return new Intrinsics(this::ref, this::attribute);
  }

  /** The value of {@code Ref name}, or null when unknown. */
  public String ref(String name) {
    if (refOverrides.containsKey(name)) {
      return refOverrides.get(name);
    }
    switch (name) {
      case "AWS::AccountId":
        return ACCOUNT;
      case "AWS::Region":
        return REGION;
      case "AWS::Partition":
        return "aws";
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return stackName;
      case "AWS::StackId":
        return stackId();
      default:
        break;
    }
    if (parameters.has(name) && parameters.get(name).has("Default")) {
      return parameters.get(name).get("Default").asText();
    }
    JsonNode resource = resources.get(name);
    if (resource == null) {
      return null;
    }
    JsonNode props = resource.path("Properties");
    return switch (resource.path("Type").asText()) {
      case "AWS::ECR::Repository" -> text(props, "RepositoryName", generatedName(name));
      case "AWS::S3::Bucket" -> text(props, "BucketName", generatedName(name));
      case "AWS::SecretsManager::Secret" -> secretArn(text(props, "Name", generatedName(name)));
      case "AWS::Lambda::Function" -> text(props, "FunctionName", generatedName(name));
      case "AWS::IAM::Role" -> text(props, "RoleName", generatedName(name));
      default -> generatedName(name);
    };
  }

  /** The value of {@code Fn::GetAtt [logicalId, attribute]}, or null when unknown. */
  public String attribute(String logicalId, String attribute) {
    String key = logicalId + "." + attribute;
    if (attributeOverrides.containsKey(key)) {
      return attributeOverrides.get(key);
    }
    JsonNode resource = resources.get(logicalId);
    if (resource == null) {
      return null;
    }
    String name = ref(logicalId);
    return switch (resource.path("Type").asText() + "." + attribute) {
      case "AWS::ECR::Repository.Arn" ->
          "arn:aws:ecr:" + REGION + ":" + ACCOUNT + ":repository/" + name;
      case "AWS::ECR::Repository.RepositoryUri" -> ECR_HOST + "/" + name;
      case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + name;
      case "AWS::Lambda::Function.Arn" ->
          "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
      case "AWS::IAM::Role.Arn" -> "arn:aws:iam::" + ACCOUNT + ":role/" + name;
      case "AWS::SecretsManager::Secret.Id" -> name;
      default -> null;
    };
  }

  /** The stack's id as CloudFormation reports it in custom resource events. */
  public String stackId() {
    return "arn:aws:cloudformation:"
        + REGION
        + ":"
        + ACCOUNT
        + ":stack/"
        + stackName
        + "/6d8b3a10-0000-4000-8000-000000000001";
  }

  /** A secret's ARN, with the random suffix Secrets Manager appends. */
  public static String secretArn(String name) {
    return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-AbCdEf";
  }

  private String generatedName(String logicalId) {
    // CloudFormation's generated names: stack name, logical id, random suffix; lowercase so that
    // the
    // same name is a valid ECR repository or bucket name.
    return (stackName + "-" + logicalId + "-x1y2z3").toLowerCase(Locale.ROOT);
  }

  private static String text(JsonNode props, String field, String fallback) {
    JsonNode v = props.get(field);
    return v != null && v.isTextual() ? v.textValue() : fallback;
  }
}
