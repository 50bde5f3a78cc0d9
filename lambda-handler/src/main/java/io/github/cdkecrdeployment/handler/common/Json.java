package io.github.cdkecrdeployment.handler.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * JSON trees read and written with Jackson's streaming parser and generator, without an {@code
 * ObjectMapper}. The trees are Jackson's own {@link JsonNode}s, and the result is the same as
 * {@code new ObjectMapper().readTree(…)} and {@code writeValueAsBytes(…)} give (the last of
 * duplicate keys wins; integers as int, long or big integer nodes, other numbers as doubles; empty
 * input is a missing node; compact output, or Jackson's default pretty printer).
 *
 * <p>Why: building an {@code ObjectMapper} loads a few hundred classes (serializer and deserializer
 * factories, type introspection) the handler never needs; at a 512 MB Lambda's CPU share that was
 * about half a second of every cold start, a Delete's too (bench/README.md).
 */
public final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /**
   * Parses JSON text.
   *
   * @throws JsonProcessingException on text that is not JSON
   */
  public static JsonNode read(byte[] bytes) throws JsonProcessingException {
    return read(() -> FACTORY.createParser(bytes));
  }

  /** Parses JSON text; see {@link #read(byte[])}. */
  public static JsonNode read(String text) throws JsonProcessingException {
    return read(() -> FACTORY.createParser(text));
  }

  /** A parser over in-memory input. */
  private interface Source {
    JsonParser open() throws IOException;
  }

  private static JsonNode read(Source source) throws JsonProcessingException {
    try (JsonParser p = source.open()) {
      return read(p);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory input: not reached
    }
  }

  private static JsonNode read(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      return NODES.missingNode();
    }
    if (!t.isStructStart()) {
      return scalar(p, t);
    }
    // Iterative, so that deeply nested input cannot overflow the stack (the parser's own nesting
    // limit still applies).
    Deque<JsonNode> open = new ArrayDeque<>();
    JsonNode root = t == JsonToken.START_OBJECT ? NODES.objectNode() : NODES.arrayNode();
    open.push(root);
    String field = null;
    while (!open.isEmpty()) {
      t = p.nextToken();
      if (t == null) {
        throw new JsonParseException(p, "unexpected end of input");
      }
      switch (t) {
        case FIELD_NAME -> field = p.currentName();
        case END_OBJECT, END_ARRAY -> open.pop();
        default -> {
          JsonNode value =
              t == JsonToken.START_OBJECT
                  ? NODES.objectNode()
                  : t == JsonToken.START_ARRAY ? NODES.arrayNode() : scalar(p, t);
          JsonNode parent = open.peek();
          if (parent instanceof ObjectNode o) {
            o.set(field, value);
          } else {
            ((ArrayNode) parent).add(value);
          }
          if (t.isStructStart()) {
            open.push(value);
          }
        }
      }
    }
    return root;
  }

  private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> NODES.textNode(p.getText());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
      default -> throw new JsonParseException(p, "unexpected token " + t);
    };
  }

  /** Compact UTF-8 JSON of a tree. */
  public static byte[] write(JsonNode node) {
    return write(node, false);
  }

  /** UTF-8 JSON of a tree, with Jackson's default pretty printer when {@code pretty}. */
  public static byte[] write(JsonNode node, boolean pretty) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      if (pretty) {
        g.setPrettyPrinter(new DefaultPrettyPrinter());
      }
      write(g, node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (var it = n.fields(); it.hasNext(); ) {
          var e = it.next();
          g.writeFieldName(e.getKey());
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode c : n) {
          write(g, c);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(n.textValue());
      case BOOLEAN -> g.writeBoolean(n.booleanValue());
      case NULL -> g.writeNull();
      case NUMBER -> {
        switch (n.numberType()) {
          case INT -> g.writeNumber(n.intValue());
          case LONG -> g.writeNumber(n.longValue());
          case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
          case FLOAT -> g.writeNumber(n.floatValue());
          case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
          default -> g.writeNumber(n.doubleValue());
        }
      }
      default -> throw new IllegalArgumentException("cannot write a JSON " + n.getNodeType());
    }
  }
}
