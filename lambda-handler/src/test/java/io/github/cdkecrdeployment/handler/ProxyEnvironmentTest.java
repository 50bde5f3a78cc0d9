package io.github.cdkecrdeployment.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkecrdeployment.handler.common.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyEnvironmentTest {
  private static final List<String> KEYS =
      List.of(
          "https.proxyHost",
          "https.proxyPort",
          "http.proxyHost",
          "http.proxyPort",
          "http.nonProxyHosts");

  @AfterEach
  void clear() {
    KEYS.forEach(System::clearProperty);
  }

  @Test
  void proxyVariablesBecomeJvmProxyProperties() {
    assertEquals(
        Map.of(
            "https.proxyHost", "proxy.internal",
            "https.proxyPort", "3128",
            "http.proxyHost", "plain.internal",
            "http.proxyPort", "80",
            "http.nonProxyHosts", "169.254.169.254|*.amazonaws.com|localhost"),
        ProxyEnvironment.systemProperties(
            Map.of(
                "HTTPS_PROXY", "http://proxy.internal:3128",
                "http_proxy", "plain.internal",
                "NO_PROXY", "169.254.169.254, .amazonaws.com,,localhost")));
    assertEquals(Map.of(), ProxyEnvironment.systemProperties(Map.of("NO_PROXY", "x")));
  }

  @Test
  void aBadValueIsNamedByItsVariableNeverQuoted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ProxyEnvironment.systemProperties(Map.of("HTTPS_PROXY", "http://u:s3cret@/")));
    assertEquals(
        "HTTPS_PROXY is not a proxy URL: use http://HOST:PORT, e.g. http://proxy.internal:3128",
        e.getMessage());
  }

  @Test
  void theJdkDefaultSelectorThenRoutesRegistryTrafficThroughTheProxy() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Log log =
        new Log(
            new PrintStream(out, true, StandardCharsets.UTF_8), Log.Level.INFO, Clock.systemUTC());
    ProxyEnvironment.apply(
        Map.of(
            "HTTPS_PROXY", "http://user:s3cret@proxy.internal:3128", "NO_PROXY", "direct.internal"),
        log);

    List<Proxy> viaProxy = ProxySelector.getDefault().select(URI.create("https://ghcr.io/v2/"));
    assertEquals(Proxy.Type.HTTP, viaProxy.get(0).type());
    assertEquals(
        "proxy.internal:3128",
        ((InetSocketAddress) viaProxy.get(0).address()).getHostString()
            + ":"
            + ((InetSocketAddress) viaProxy.get(0).address()).getPort());
    assertEquals(
        List.of(Proxy.NO_PROXY),
        ProxySelector.getDefault().select(URI.create("https://direct.internal/v2/")));
    String logged = out.toString(StandardCharsets.UTF_8);
    assertTrue(logged.contains("proxy: https proxy.internal:3128"), logged);
    assertFalse(logged.contains("s3cret"), logged);
  }

  @Test
  void propertiesAlreadySetWin() {
    System.setProperty("https.proxyHost", "chosen.internal");
    ProxyEnvironment.apply(
        Map.of("HTTPS_PROXY", "http://other.internal:1"),
        new Log(new PrintStream(new ByteArrayOutputStream()), Log.Level.INFO, Clock.systemUTC()));
    assertEquals("chosen.internal", System.getProperty("https.proxyHost"));
  }
}
