package io.github.cdkecrdeployment.handler.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny ordered JSON writer for generated manifests. {@link #pretty(int)} indents like {@code
 * docker} does, so a copier that re-serialises (compact or re-ordered) changes the digest and the
 * tests notice.
 */
public final class Json {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  /** A new empty object. */
  public static Json obj() {
    return new Json();
  }

  /** Adds a field (String, Number, Boolean, Json, List or Map of those); null values skipped. */
  public Json put(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  /** Pretty-printed with {@code indent} spaces and a trailing newline. */
  public byte[] pretty(int indent) {
    StringBuilder sb = new StringBuilder();
    write(sb, this, indent, 0);
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Compact. */
  public byte[] compact() {
    StringBuilder sb = new StringBuilder();
    write(sb, this, 0, 0);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder sb, Object v, int indent, int level) {
    if (v instanceof Json j) {
      writeMap(sb, j.fields, indent, level);
    } else if (v instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, val) -> copy.put(String.valueOf(k), val));
      writeMap(sb, copy, indent, level);
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        sb.append(i > 0 ? "," : "");
        newline(sb, indent, level + 1);
        write(sb, l.get(i), indent, level + 1);
      }
      newline(sb, indent, level);
      sb.append(']');
    } else if (v instanceof String s) {
      sb.append('"');
      for (char c : s.toCharArray()) {
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          default -> {
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    } else {
      sb.append(v);
    }
  }

  private static void writeMap(StringBuilder sb, Map<String, Object> m, int indent, int level) {
    if (m.isEmpty()) {
      sb.append("{}");
      return;
    }
    sb.append('{');
    List<Map.Entry<String, Object>> entries = new ArrayList<>(m.entrySet());
    for (int i = 0; i < entries.size(); i++) {
      sb.append(i > 0 ? "," : "");
      newline(sb, indent, level + 1);
      write(sb, entries.get(i).getKey(), indent, level + 1);
      sb.append(indent > 0 ? ": " : ":");
      write(sb, entries.get(i).getValue(), indent, level + 1);
    }
    newline(sb, indent, level);
    sb.append('}');
  }

  private static void newline(StringBuilder sb, int indent, int level) {
    if (indent > 0) {
      sb.append('\n').append(" ".repeat(indent * level));
    }
  }
}
