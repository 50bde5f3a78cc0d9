package io.github.cdkecrdeployment.handler.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts one {@link RegistryServer} per test class (register it as a static
 * field) and stops it afterwards:
 *
 * <pre>{@code
 * @RegisterExtension static final RegistryExtension REGISTRY = RegistryExtension.token();
 * ... REGISTRY.server().image("app", "1.0") ...
 * }</pre>
 *
 * A missing {@code /usr/bin/docker-registry} fails the class with the install command.
 */
public final class RegistryExtension implements BeforeAllCallback, AfterAllCallback {
  private final RegistryServer.Options options;
  private RegistryServer server;

  private RegistryExtension(RegistryServer.Options options) {
    this.options = options;
  }

  /** Anonymous registry. */
  public static RegistryExtension anonymous() {
    return new RegistryExtension(RegistryServer.Options.anonymous());
  }

  /** htpasswd basic-auth registry. */
  public static RegistryExtension basic() {
    return new RegistryExtension(RegistryServer.Options.basic());
  }

  /** Token-auth registry with its token server. */
  public static RegistryExtension token() {
    return new RegistryExtension(RegistryServer.Options.token());
  }

  /** Any options. */
  public static RegistryExtension of(RegistryServer.Options options) {
    return new RegistryExtension(options);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = RegistryServer.start(options);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** The running server (only between beforeAll and afterAll). */
  public RegistryServer server() {
    if (server == null) {
      throw new IllegalStateException("the registry runs only while the test class runs");
    }
    return server;
  }
}
