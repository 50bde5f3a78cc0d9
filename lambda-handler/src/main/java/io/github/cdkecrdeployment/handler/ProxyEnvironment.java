package io.github.cdkecrdeployment.handler;

import io.github.cdkecrdeployment.handler.common.Log;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The conventional proxy variables ({@code HTTPS_PROXY}, {@code HTTP_PROXY}, {@code NO_PROXY}, or
 * their lower-case forms) of the function's environment, turned into the JVM's proxy properties
 * ({@code https.proxyHost}, {@code http.nonProxyHosts}, …), which the JDK's default proxy selector,
 * {@code HttpURLConnection} (the AWS SDK's client) and jib-core's client read. Set before any
 * client is built; properties already set (e.g. with {@code JAVA_TOOL_OPTIONS}) win.
 */
final class ProxyEnvironment {
  private ProxyEnvironment() {}

  /** Sets the properties that {@code env} asks for and that are not set yet. */
  static void apply(Map<String, String> env, Log log) {
    Map<String, String> props;
    try {
      props = systemProperties(env);
    } catch (IllegalArgumentException e) {
      log.warn("proxy settings ignored: " + e.getMessage());
      return;
    }
    props.forEach(
        (k, v) -> {
          if (System.getProperty(k) == null) {
            System.setProperty(k, v);
          }
        });
    if (props.containsKey("https.proxyHost") || props.containsKey("http.proxyHost")) {
      // Host and port only: a proxy URL may carry a password, which is never logged.
      log.info(
          "proxy: https "
              + props.getOrDefault("https.proxyHost", "-")
              + ":"
              + props.getOrDefault("https.proxyPort", "-")
              + ", not for "
              + props.getOrDefault("http.nonProxyHosts", "-"));
    }
  }

  /**
   * The JVM properties for the proxy variables of {@code env}.
   *
   * @throws IllegalArgumentException on a proxy value that is not {@code [http://]host[:port]}
   */
  static Map<String, String> systemProperties(Map<String, String> env) {
    Map<String, String> p = new LinkedHashMap<>();
    String https = get(env, "HTTPS_PROXY");
    String http = get(env, "HTTP_PROXY");
    if (https != null) {
      URI u = parse("HTTPS_PROXY", https);
      p.put("https.proxyHost", u.getHost());
      p.put("https.proxyPort", String.valueOf(port(u)));
    }
    if (http != null) {
      URI u = parse("HTTP_PROXY", http);
      p.put("http.proxyHost", u.getHost());
      p.put("http.proxyPort", String.valueOf(port(u)));
    }
    String noProxy = get(env, "NO_PROXY");
    if (noProxy != null && !p.isEmpty()) {
      // NO_PROXY "a.com,.b.com,10.0.0.1" → http.nonProxyHosts "a.com|*.b.com|10.0.0.1" (which
      // https also uses, per the JDK's networking properties).
      List<String> hosts = new ArrayList<>();
      for (String h : noProxy.split(",")) {
        String t = h.trim();
        if (t.isEmpty()) {
          continue;
        }
        hosts.add(t.equals("*") ? "*" : t.startsWith(".") ? "*" + t : t);
      }
      if (!hosts.isEmpty()) {
        p.put("http.nonProxyHosts", String.join("|", hosts));
      }
    }
    return p;
  }

  private static String get(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      v = env.get(name.toLowerCase(Locale.ROOT));
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static URI parse(String name, String value) {
    String withScheme = value.contains("://") ? value : "http://" + value;
    URI u;
    try {
      u = URI.create(withScheme);
    } catch (IllegalArgumentException e) {
      u = null;
    }
    if (u == null || u.getHost() == null) {
      // The value may hold a password: name the variable, not the value.
      throw new IllegalArgumentException(
          name + " is not a proxy URL: use http://HOST:PORT, e.g. http://proxy.internal:3128");
    }
    return u;
  }

  private static int port(URI u) {
    if (u.getPort() > 0) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
