package io.github.cdkecrdeployment.handler.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Json} gives what an {@code ObjectMapper} gives: the same trees from the same text (node
 * types included) and the same bytes from the same tree — the bytes of manifests built from
 * archives are hashed into their digests, so they must not change.
 */
class JsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        "\"text\"",
        "42",
        "-7",
        "3000000000",
        "123456789012345678901234567890",
        "1.5",
        "-2.5e-3",
        "1E400",
        "true",
        "false",
        "null",
        "{\"a\":1,\"a\":2}",
        "{\"schemaVersion\":2,\"layers\":[{\"size\":1,\"digest\":\"sha256:ab\"},[],{}],\"x\":null}",
        "[[[[[]]]],{\"\":{\"\":[1,\"\\u00e9\\ud83d\\ude00\"]}}]",
        "  {\"a\" : [ 1 , 2 ] }  "
      })
  void readsTheTreeAnObjectMapperReads(String text) throws Exception {
    JsonNode expected = MAPPER.readTree(text);
    JsonNode actual = Json.read(text);
    assertEquals(expected, actual);
    assertEquals(types(expected), types(actual), text);
    assertEquals(expected, Json.read(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void emptyInputIsAMissingNodeAsForAnObjectMapper() throws Exception {
    assertTrue(MAPPER.readTree("").isMissingNode());
    assertTrue(Json.read("").isMissingNode());
    assertTrue(Json.read(new byte[0]).isMissingNode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[1,", "{\"a\"}", "nope", "{\"a\":1]", "[1 2]"})
  void textThatIsNotJsonIsAParseError(String text) {
    assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(text));
    JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.read(text));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
  }

  @Property(tries = 300)
  void writesTheBytesAnObjectMapperWrites(@ForAll("documents") String text) throws Exception {
    JsonNode tree = MAPPER.readTree(text);
    assertArrayEquals(MAPPER.writeValueAsBytes(tree), Json.write(tree));
    assertArrayEquals(
        MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree), Json.write(tree, true));
    assertEquals(tree, Json.read(Json.write(tree, true)));
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> leaf =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(JsonTest::quote),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.doubles().map(String::valueOf),
            Arbitraries.of("true", "false", "null"));
    return Arbitraries.recursive(
        () -> leaf,
        inner ->
            Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Arbitraries.strings()
                    .alpha()
                    .ofMaxLength(6)
                    .flatMap(k -> inner.list().ofMaxSize(3).map(l -> object(k, l)))),
        0,
        4);
  }

  private static String object(String key, List<String> values) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      b.append(i > 0 ? "," : "").append(quote(key + i)).append(':').append(values.get(i));
    }
    return b.append('}').toString();
  }

  private static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The node types of a tree, depth first. */
  private static String types(JsonNode n) {
    StringBuilder b = new StringBuilder(n.getClass().getSimpleName());
    n.elements().forEachRemaining(c -> b.append('(').append(types(c)).append(')'));
    return b.toString();
  }
}
