package io.github.cdkecrdeployment.integ.cfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token evaluator on the shapes CDK renders. */
class IntrinsicsTest {

  private final Intrinsics intrinsics =
      new Intrinsics(
          Map.of("AWS::Region", "us-east-1", "AWS::URLSuffix", "amazonaws.com", "Repo", "my-repo")
              ::get,
          (resource, attribute) ->
              resource.equals("Repo") && attribute.equals("Arn")
                  ? "arn:aws:ecr:us-east-1:123456789012:repository/my-repo"
                  : null);

  private String resolve(String json) throws Exception {
    return intrinsics.resolve(new ObjectMapper().readTree(json));
  }

  @Test
  void repositoryUriAsCdkRendersIt() throws Exception {
    // Repository.repositoryUriForTag: account and region split out of the ARN.
    String uri =
        resolve(
            "{\"Fn::Join\":[\"\",[{\"Fn::Select\":[4,{\"Fn::Split\":[\":\",{\"Fn::GetAtt\":[\"Repo\",\"Arn\"]}]}]},"
                + "\".dkr.ecr.\",{\"Fn::Select\":[3,{\"Fn::Split\":[\":\",{\"Fn::GetAtt\":[\"Repo\",\"Arn\"]}]}]},"
                + "\".\",{\"Ref\":\"AWS::URLSuffix\"},\"/\",{\"Ref\":\"Repo\"},\":latest\"]]}");
    assertEquals("123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:latest", uri);
  }

  @Test
  void subWithReferencesAttributesVariablesAndEscapes() throws Exception {
    assertEquals(
        "assets-us-east-1/x/arn:aws:ecr:us-east-1:123456789012:repository/my-repo/${Literal}",
        resolve(
            "{\"Fn::Sub\":[\"assets-${AWS::Region}/${v}/${Repo.Arn}/${!Literal}\",{\"v\":\"x\"}]}"));
  }

  @Test
  void scalarsBecomeStrings() throws Exception {
    assertEquals("true", resolve("true"));
    assertEquals("3", resolve("3"));
  }

  @Test
  void anUnknownReferenceFailsNamingIt() {
    var e = assertThrows(IllegalArgumentException.class, () -> resolve("{\"Ref\":\"Nope\"}"));
    assertTrue(e.getMessage().contains("Nope"), e.getMessage());
  }
}
