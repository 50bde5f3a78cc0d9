package io.github.cdkecrdeployment.handler.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdkecrdeployment.handler.cfn.CfnEvent;
import io.github.cdkecrdeployment.handler.cfn.DeploymentProperties;
import io.github.cdkecrdeployment.handler.cfn.InvalidEventException;
import io.github.cdkecrdeployment.handler.cfn.InvalidPropertyException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based tests of the boundary parsers: the CloudFormation event ({@link CfnEvent}) and its
 * properties ({@link DeploymentProperties}, which parses the image references). Any input either
 * parses to a value whose printed form parses back to itself (a canonical reference prints back
 * exactly as written), or fails with the typed exception whose reason names the property and the
 * value; never with any other exception.
 */
class ReliabilityParserPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEX = "0123456789abcdef";

  // ---- references ----

  @Provide
  Arbitrary<String> canonicalReferences() {
    Arbitrary<String> host =
        Arbitraries.of(
            "127.0.0.1:5000",
            "localhost:1234",
            "registry.test",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "public.ecr.aws",
            "registry-1.docker.io");
    Arbitrary<String> component =
        Combinators.combine(
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .numeric()
                    .ofMinLength(1)
                    .ofMaxLength(6),
                Arbitraries.of("", ".", "_", "__", "-", "--"),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .numeric()
                    .ofMinLength(1)
                    .ofMaxLength(4))
            .as((a, sep, b) -> sep.isEmpty() ? a : a + sep + b);
    Arbitrary<String> path =
        component.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
    Arbitrary<String> tag =
        Combinators.combine(
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withCharRange('A', 'Z')
                    .numeric()
                    .withChars('_')
                    .ofLength(1),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .withCharRange('A', 'Z')
                    .numeric()
                    .withChars('_', '.', '-')
                    .ofMaxLength(20))
            .as((a, b) -> ":" + a + b);
    Arbitrary<String> digest =
        Arbitraries.strings().withChars(HEX.toCharArray()).ofLength(64).map(h -> "@sha256:" + h);
    return Combinators.combine(host, path, Arbitraries.oneOf(tag, digest))
        .as((h, p, ref) -> h + "/" + p + ref);
  }

  @Property(tries = 400)
  void aCanonicalReferencePrintsBackExactly(@ForAll("canonicalReferences") String ref) {
    DeploymentProperties p =
        parse(Map.of("SrcImage", "docker://" + ref, "DestImage", "docker://" + ref));
    assertEquals("docker://" + ref, p.source().toString());
    assertEquals(ref, p.destination().toString());
  }

  @Provide
  Arbitrary<String> anyReferences() {
    Arbitrary<String> noise =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('A', 'Z')
            .numeric()
            .withChars(
                ':', '/', '@', '.', '_', '-', ' ', '\t', '\n', '%', '+', '~', 'é', '\u0000',
                '\u00a0')
            .ofMaxLength(40);
    Arbitrary<String> prefix =
        Arbitraries.of(
            "",
            "docker://",
            "docker://docker://",
            "s3://",
            "s3://bucket/",
            "oci:",
            "http://",
            " docker://");
    return Arbitraries.oneOf(
        Combinators.combine(prefix, noise).as((p, n) -> p + n),
        canonicalReferences().map(r -> "docker://" + r),
        // Canonical references with one character changed: the interesting near misses.
        Combinators.combine(
                canonicalReferences(),
                Arbitraries.integers().between(0, 200),
                Arbitraries.of(' ', 'A', ':', '/', '@', '.', '\u00e9'))
            .as(
                (r, i, ch) -> {
                  StringBuilder sb = new StringBuilder("docker://" + r);
                  sb.setCharAt(i % sb.length(), ch);
                  return sb.toString();
                }),
        Arbitraries.strings().all().ofMaxLength(30));
  }

  @Property(tries = 1500)
  void anySrcImageParsesToAFixedPointOrFailsNamingIt(@ForAll("anyReferences") String src) {
    String dest = "docker://127.0.0.1:5000/team/app:v1";
    DeploymentProperties p;
    try {
      p = parse(Map.of("SrcImage", src, "DestImage", dest));
    } catch (InvalidPropertyException e) {
      assertNamesTheValue(e, "SrcImage", src);
      return;
    }
    String printed = p.source().toString();
    assertEquals(
        printed, parse(Map.of("SrcImage", printed, "DestImage", dest)).source().toString());
  }

  @Property(tries = 1500)
  void anyDestImageParsesToAFixedPointOrFailsNamingIt(@ForAll("anyReferences") String dest) {
    String src = "docker://127.0.0.1:5000/seed/app:v1";
    DeploymentProperties p;
    try {
      p = parse(Map.of("SrcImage", src, "DestImage", dest));
    } catch (InvalidPropertyException e) {
      assertNamesTheValue(e, "DestImage", dest);
      return;
    }
    String printed = "docker://" + p.destination();
    assertEquals(
        printed, "docker://" + parse(Map.of("SrcImage", src, "DestImage", printed)).destination());
  }

  private static void assertNamesTheValue(
      InvalidPropertyException e, String property, String value) {
    String m = e.getMessage();
    assertNotNull(m);
    assertTrue(m.contains(property), "names " + property + ": " + m);
    // The parser trims as String.trim does (control characters and spaces).
    String v = value.trim();
    if (!v.isEmpty()) {
      // The value as written (after the transport when that was understood).
      String bare = v.startsWith("docker://") ? v.substring("docker://".length()) : v;
      assertTrue(m.contains(v) || m.contains(bare), "names the value '" + v + "': " + m);
    } else {
      assertTrue(m.contains("missing or empty"), m);
    }
  }

  // ---- properties and events ----

  @Provide
  Arbitrary<JsonNode> anyValues() {
    return Arbitraries.oneOf(
        Arbitraries.of(
                "true",
                "false",
                "TRUE",
                "",
                " ",
                "1",
                "null",
                "{}",
                "[]",
                "{\"numAttempts\":2}",
                "{\"numAttempts\":1.5}",
                "{\"baseDelay\":1e400}",
                "{\"maxDelay\":\"3\"}",
                "{\"numAttempts\":99999999999}",
                "{\"arm64\":\"v1\"}",
                "{\"arm64\":1}",
                "{\"ARM\":\"v1\"}",
                "{\"baseDelay\":0.000000001,\"maxDelay\":0.000000001}",
                "{\"baseDelay\":NaN}",
                "user:Secr3t-pass-1",
                "{\"username\":\"u\",\"password\":\"Secr3t-json\"}",
                "arm64",
                "arm/v7",
                "linux/arm64",
                "x86_64",
                "docker://nginx",
                "s3://b/k")
            .map(s -> (JsonNode) JSON.getNodeFactory().textNode(s)),
        Arbitraries.strings()
            .all()
            .ofMaxLength(20)
            .map(s -> (JsonNode) JSON.getNodeFactory().textNode(s)),
        Arbitraries.integers().map(i -> (JsonNode) JSON.getNodeFactory().numberNode(i)),
        Arbitraries.doubles().map(d -> (JsonNode) JSON.getNodeFactory().numberNode(d)),
        Arbitraries.of(true, false).map(b -> (JsonNode) JSON.getNodeFactory().booleanNode(b)),
        Arbitraries.just((JsonNode) JSON.getNodeFactory().nullNode()),
        Arbitraries.just((JsonNode) JSON.createArrayNode().add("a")),
        Arbitraries.just((JsonNode) JSON.createObjectNode().put("k", "v")));
  }

  @Provide
  Arbitrary<ObjectNode> anyProperties() {
    List<String> names =
        List.of(
            "SrcImage",
            "DestImage",
            "SrcCreds",
            "DestCreds",
            "ImageArch",
            "CopyImageIndex",
            "ArchImageTags",
            "RetryConfigs",
            "ServiceToken",
            "Unknown");
    return Combinators.combine(
            Arbitraries.of(names).list().ofMaxSize(8),
            anyValues().list().ofSize(8),
            Arbitraries.of(true, false))
        .as(
            (keys, values, valid) -> {
              ObjectNode o = JSON.createObjectNode();
              if (valid) {
                o.put("SrcImage", "docker://127.0.0.1:5000/seed/app:v1");
                o.put("DestImage", "docker://127.0.0.1:5000/team/app:v1");
              }
              for (int i = 0; i < keys.size(); i++) {
                o.set(keys.get(i), values.get(i));
              }
              return o;
            });
  }

  @Property(tries = 2000)
  void anyPropertiesParseOrFailWithAReasonNamingTheProperty(
      @ForAll("anyProperties") ObjectNode props) {
    DeploymentProperties p;
    try {
      p = DeploymentProperties.parse(props);
    } catch (InvalidPropertyException e) {
      String m = e.getMessage();
      assertNotNull(m);
      assertTrue(
          List.of(
                  "SrcImage",
                  "DestImage",
                  "SrcCreds",
                  "DestCreds",
                  "ImageArch",
                  "CopyImageIndex",
                  "ArchImageTags",
                  "RetryConfigs",
                  "ResourceProperties")
              .stream()
              .anyMatch(m::contains),
          "names a property: " + m);
      return;
    }
    // A parsed value prints without credentials and parses again.
    String printed = p.toString();
    for (String creds : List.of("SrcCreds", "DestCreds")) {
      JsonNode c = props.get(creds);
      if (c != null && c.asText().contains("Secr3t")) {
        assertFalse(printed.contains(c.asText().strip()), "no credential in " + printed);
      }
    }
    assertEquals(p, DeploymentProperties.parse(props));
  }

  @Provide
  Arbitrary<byte[]> anyEvents() {
    Arbitrary<ObjectNode> objects =
        Combinators.combine(
                Arbitraries.of("Create", "Update", "Delete", "create", "Bogus", "").injectNull(0.2),
                Arbitraries.of(
                        "http://127.0.0.1:1/x?sig=1",
                        "https://s3.amazonaws.com/b?X-Amz-Signature=a",
                        "ftp://x/y",
                        "not a url",
                        "http://",
                        "",
                        "https://[::1",
                        "http:///path")
                    .injectNull(0.2),
                anyProperties().injectNull(0.1),
                anyValues().injectNull(0.5))
            .as(
                (type, url, props, junk) -> {
                  ObjectNode e = JSON.createObjectNode();
                  if (type != null) {
                    e.put("RequestType", type);
                  }
                  if (url != null) {
                    e.put("ResponseURL", url);
                  }
                  e.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1");
                  e.put("RequestId", "r-1");
                  e.put("LogicalResourceId", "L");
                  if (props != null) {
                    e.set("ResourceProperties", props);
                  }
                  if (junk != null) {
                    e.set("PhysicalResourceId", junk);
                  }
                  return e;
                });
    return Arbitraries.oneOf(
        objects.map(o -> o.toString().getBytes(StandardCharsets.UTF_8)),
        Arbitraries.strings().all().ofMaxLength(50).map(s -> s.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(50),
        Arbitraries.of("null", "[]", "1", "\"s\"", "{", "{}", "{\"ResponseURL\":1}")
            .map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  @Property(tries = 2000)
  void anyEventParsesOrFailsWithAReasonNamingWhatIsWrong(@ForAll("anyEvents") byte[] event) {
    CfnEvent e;
    try {
      e = CfnEvent.parse(event);
    } catch (InvalidEventException ex) {
      String m = ex.getMessage();
      assertTrue(
          m.contains("not JSON") || m.contains("not a JSON object") || m.contains("ResponseURL"),
          m);
      assertTrue(m.contains("custom-resource events") || m.contains("ResponseURL"), m);
      return;
    }
    assertNotNull(e.responseUrl());
    assertNotNull(e.properties());
    // The printed event never shows the pre-signed URL.
    assertFalse(e.toString().contains(e.responseUrl().toString()), e.toString());
    assertEquals(e, CfnEvent.parse(event));
  }

  private static DeploymentProperties parse(Map<String, String> props) {
    ObjectNode o = JSON.createObjectNode();
    props.forEach(o::put);
    return DeploymentProperties.parse(o);
  }
}
