package io.github.cdkecrdeployment.integ.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the CloudFormation intrinsic functions that CDK Tokens render to ({@code Ref}, {@code
 * Fn::GetAtt}, {@code Fn::Join}, {@code Fn::Sub}, {@code Fn::Select}, {@code Fn::Split}) into the
 * string CloudFormation would pass to a custom resource, given the values of references and
 * attributes. Anything it cannot resolve fails with the token quoted.
 */
public final class Intrinsics {

  private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");

  private final Function<String, String> refs;
  private final BiFunction<String, String, String> attributes;

  /**
   * @param refs value of {@code Ref X} (pseudo parameters such as {@code AWS::Region} included), or
   *     null when unknown
   * @param attributes value of {@code Fn::GetAtt [X, Attr]}, or null when unknown
   */
  public Intrinsics(Function<String, String> refs, BiFunction<String, String, String> attributes) {
    this.refs = Objects.requireNonNull(refs);
    this.attributes = Objects.requireNonNull(attributes);
  }

  /**
   * Resolves a property value to its string form (numbers and booleans as CloudFormation sends
   * them).
   */
  public String resolve(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isNumber() || node.isBoolean()) {
      // CloudFormation passes every scalar to a custom resource as a string.
      return node.asText();
    }
    if (node.isObject() && node.size() == 1) {
      Map.Entry<String, JsonNode> fn = node.fields().next();
      JsonNode arg = fn.getValue();
      switch (fn.getKey()) {
        case "Ref":
          return known(refs.apply(arg.textValue()), node);
        case "Fn::GetAtt":
          {
            String resource;
            String attribute;
            if (arg.isArray()) {
              resource = arg.get(0).textValue();
              attribute = resolve(arg.get(1));
            } else {
              String[] parts = arg.textValue().split("\\.", 2);
              resource = parts[0];
              attribute = parts[1];
            }
            return known(attributes.apply(resource, attribute), node);
          }
        case "Fn::Join":
          {
            String sep = arg.get(0).textValue();
            List<String> parts = new ArrayList<>();
            for (JsonNode p : list(arg.get(1))) {
              parts.add(resolve(p));
            }
            return String.join(sep, parts);
          }
        case "Fn::Select":
          {
            int index = Integer.parseInt(resolve(arg.get(0)));
            return resolve(list(arg.get(1)).get(index));
          }
        case "Fn::Split":
          throw new IllegalArgumentException(
              "Fn::Split only makes sense inside Fn::Select: " + node);
        case "Fn::Sub":
          {
            String template = arg.isArray() ? arg.get(0).textValue() : arg.textValue();
            JsonNode vars = arg.isArray() ? arg.get(1) : null;
            Matcher m = SUB_VAR.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
              String name = m.group(1);
              String value;
              if (vars != null && vars.has(name)) {
                value = resolve(vars.get(name));
              } else if (name.contains(".")) {
                String[] parts = name.split("\\.", 2);
                value = known(attributes.apply(parts[0], parts[1]), node);
              } else {
                value = known(refs.apply(name), node);
              }
              m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            // ${!Literal} renders as ${Literal}.
            return out.toString().replace("${!", "${");
          }
        default:
          break;
      }
    }
    throw new IllegalArgumentException("cannot resolve " + node + " to a string");
  }

  /** The elements of a list value, evaluating {@code Fn::Split} into a list of text nodes. */
  private List<JsonNode> list(JsonNode node) {
    if (node.isArray()) {
      List<JsonNode> out = new ArrayList<>();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        out.add(it.next());
      }
      return out;
    }
    if (node.isObject() && node.has("Fn::Split")) {
      JsonNode arg = node.get("Fn::Split");
      String sep = arg.get(0).textValue();
      String value = resolve(arg.get(1));
      List<JsonNode> out = new ArrayList<>();
      for (String s : value.split(Pattern.quote(sep), -1)) {
        out.add(com.fasterxml.jackson.databind.node.TextNode.valueOf(s));
      }
      return out;
    }
    throw new IllegalArgumentException("not a list: " + node);
  }

  private static String known(String value, JsonNode token) {
    if (value == null) {
      throw new IllegalArgumentException(
          "no local value for " + token + ": give one to the resolver of this test");
    }
    return value;
  }
}
