package io.github.cdkecrdeployment;

import static io.github.cdkecrdeployment.Fixture.RESOURCE_TYPE;
import static io.github.cdkecrdeployment.Fixture.only;
import static io.github.cdkecrdeployment.Fixture.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template is the same on every synth: a map without a stable iteration order is written with
 * sorted keys, so CloudFormation sees no property change and does not copy again.
 */
class DeterministicTemplateTest {
  @TempDir Path dir;

  @Test
  void fiveSynthsInFreshJvmsOfAnAppUsingMapOfGiveTheSameTemplate() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> templates = new ArrayList<>();
    Set<String> mapOfOrders = new LinkedHashSet<>();
    for (int i = 0; i < 5; i++) {
      Path out = dir.resolve("out" + i);
      Path stdout = dir.resolve("stdout" + i + ".txt");
      Process p =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  MapOfApp.class.getName(),
                  out.toString())
              .redirectErrorStream(true)
              .redirectOutput(stdout.toFile())
              .start();
      boolean ended = p.waitFor(3, TimeUnit.MINUTES);
      if (!ended) {
        p.destroyForcibly();
      }
      String log = Files.readString(stdout, StandardCharsets.UTF_8);
      assertTrue(ended && p.exitValue() == 0, () -> "synth failed:\n" + log);
      templates.add(Files.readString(out.resolve("Stack.template.json")));
      String[] lines = log.strip().split("\n");
      mapOfOrders.add(lines[lines.length - 1]);
    }
    for (int i = 1; i < templates.size(); i++) {
      assertEquals(
          templates.get(0),
          templates.get(i),
          "synth " + i + " differs from synth 0; Map.of orders seen: " + mapOfOrders);
    }
    assertTrue(
        templates
            .get(0)
            .contains(
                "{\\\"amd64\\\":\\\"app-amd64\\\",\\\"arm/v7\\\":\\\"app-armv7\\\","
                    + "\\\"arm64\\\":\\\"app-arm64\\\",\\\"ppc64le\\\":\\\"p\\\"}"),
        templates.get(0));
    assertTrue(
        templates.get(0).contains("{\\\"baseDelay\\\":1,\\\"maxDelay\\\":5,\\\"numAttempts\\\":3}"),
        templates.get(0));
  }

  @Test
  void mapsWithoutAStableOrderAreWrittenWithSortedKeysWhateverTheirIterationOrder() {
    Map<String, String> forward = new TreeMap<>(Map.of("amd64", "a", "arm64", "b", "s390x", "c"));
    Map<String, Object> first = deploy("A", new ReversedMap<>(new TreeMap<>(forward)));
    Map<String, Object> second = deploy("B", new HashMap<>(forward));

    assertEquals("{\"amd64\":\"a\",\"arm64\":\"b\",\"s390x\":\"c\"}", first.get("ArchImageTags"));
    assertEquals(first.get("ArchImageTags"), second.get("ArchImageTags"));
  }

  @Test
  void aLinkedHashMapKeepsTheOrderItsCallerChose() {
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    tags.put("s390x", "c");
    tags.put("amd64", "a");
    assertEquals("{\"s390x\":\"c\",\"amd64\":\"a\"}", deploy("A", tags).get("ArchImageTags"));
  }

  private Map<String, Object> deploy(final String id, final Map<String, String> tags) {
    Fixture f = new Fixture(dir.resolve(id));
    f.deployment(id).copyImageIndex(true).archImageTags(tags).build();
    return properties(only(f.template(), RESOURCE_TYPE));
  }

  /** A map that iterates its entries backwards, as a stand-in for an unstable iteration order. */
  private static final class ReversedMap<V> extends AbstractMap<String, V> {
    private final TreeMap<String, V> delegate;

    ReversedMap(final TreeMap<String, V> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
      return delegate.descendingMap().entrySet();
    }

    @Override
    public V get(final Object key) {
      return delegate.get(key);
    }
  }
}
