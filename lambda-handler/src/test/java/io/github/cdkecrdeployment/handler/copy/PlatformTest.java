package io.github.cdkecrdeployment.handler.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Variant-aware architecture matching. */
class PlatformTest {
  private static JsonNode p(String os, String arch, String variant) throws Exception {
    return new ObjectMapper()
        .readTree(
            "{\"os\":\""
                + os
                + "\",\"architecture\":\""
                + arch
                + "\""
                + (variant == null ? "" : ",\"variant\":\"" + variant + "\"")
                + "}");
  }

  @Test
  void arm64MatchesV8AndBare() throws Exception {
    PlatformMatcher arm64 = PlatformMatcher.parseRequested("arm64");
    assertTrue(arm64.matches(p("linux", "arm64", "v8")));
    assertTrue(arm64.matches(p("linux", "arm64", null)));
    PlatformMatcher v8 = PlatformMatcher.parseRequested("arm64/v8");
    assertTrue(v8.matches(p("linux", "arm64", null)));
    assertTrue(v8.matches(p("linux", "arm64", "v8")));
    assertTrue(PlatformMatcher.parseRequested("aarch64").matches(p("linux", "arm64", "v8")));
  }

  @Test
  void armVariantsAndOs() throws Exception {
    PlatformMatcher arm = PlatformMatcher.parseRequested("arm");
    assertTrue(arm.matches(p("linux", "arm", "v7")));
    assertTrue(arm.matches(p("linux", "arm", "v6")));
    PlatformMatcher v7 = PlatformMatcher.parseRequested("arm/v7");
    assertTrue(v7.matches(p("linux", "arm", "v7")));
    assertFalse(v7.matches(p("linux", "arm", "v6")));
    assertFalse(PlatformMatcher.parseRequested("amd64").matches(p("unknown", "unknown", null)));
    assertFalse(PlatformMatcher.parseRequested("amd64").matches(p("windows", "amd64", null)));
    assertEquals("linux/arm64/v8", PlatformMatcher.parseRequested("linux/arm64/v8").toString());
    assertThrows(IllegalArgumentException.class, () -> PlatformMatcher.parseRequested("a/b/c/d"));
  }
}
