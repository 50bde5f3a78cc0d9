package io.github.cdkecrdeployment.handler.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;

/**
 * Installs the Amazon Corretto Crypto Provider (AWS-LC, {@code
 * software.amazon.cryptools:AmazonCorrettoCryptoProvider}) as the JVM's first security provider,
 * once, when its native library loads on this machine; otherwise leaves the JDK's providers as they
 * are. JSSE then gets AES-GCM (every TLS record), SHA-256 and key agreement from native code.
 *
 * <p>Measured at a 512 MB Lambda's CPU share, where the managed runtime runs C1 only: 89 % of the
 * copy's CPU samples were in the JDK's Java AES-GCM ({@code GHASH.blockMult}, {@code
 * AESCrypt.implEncryptBlock}, {@code CounterMode.implCrypt}); see bench/README.md.
 *
 * <p>The shaded jar carries the provider's classes once and its native library for both Lambda
 * architectures, each under {@code META-INF/accp/<platform>/} ({@link #nativeResource}). The
 * provider finds its library as a resource next to its classes, so its classes are defined by a
 * small class loader of their own that answers that one resource with this machine's library.
 * Anything that goes wrong — another architecture, a missing resource, a library that does not
 * load, a failed self-test — leaves the JDK's providers in place and says why in {@link
 * Result#detail()}.
 */
public final class FastCrypto {
  static final String PROVIDER_PACKAGE = "com.amazon.corretto.crypto.provider.";
  static final String PROVIDER_CLASS = PROVIDER_PACKAGE + "AmazonCorrettoCryptoProvider";
  static final String LIBRARY =
      PROVIDER_PACKAGE.replace('.', '/') + "libamazonCorrettoCryptoProvider.so";

  private static Result installed;

  private FastCrypto() {}

  /**
   * What {@link #install()} did.
   *
   * @param active whether the native provider is now the first provider
   * @param detail one line for the log: the provider's version, or why the JDK's stay in use
   */
  public record Result(boolean active, String detail) {}

  /**
   * Installs the native provider unless done already (idempotent; safe to call from several entry
   * points). Never throws.
   */
  public static synchronized Result install() {
    if (installed == null) {
      installed =
          install(
              nativeResource(System.getProperty("os.name"), System.getProperty("os.arch")),
              FastCrypto.class.getClassLoader());
    }
    return installed;
  }

  /**
   * The resource of the native library for an OS and JVM architecture, or null when the jar has
   * none for it (only Linux x86_64 and aarch64, the two Lambda architectures).
   */
  static String nativeResource(String osName, String osArch) {
    if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
      return null;
    }
    String platform =
        switch (osArch) {
          case "amd64", "x86_64" -> "linux-x86_64";
          case "aarch64", "arm64" -> "linux-aarch_64";
          default -> null;
        };
    return platform == null ? null : "META-INF/accp/" + platform + "/" + LIBRARY;
  }

  static Result install(String resource, ClassLoader parent) {
    if (resource == null) {
      return new Result(
          false,
          "JDK crypto (no AWS-LC build for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ")");
    }
    if (parent.getResource(resource) == null) {
      return new Result(false, "JDK crypto (" + resource + " is not in the jar)");
    }
    try {
      ClassLoader loader = new NativeFirst(parent, resource);
      Class<?> c = Class.forName(PROVIDER_CLASS, true, loader);
      Provider p = (Provider) c.getField("INSTANCE").get(null);
      Object error = c.getMethod("getLoadingError").invoke(p);
      if (error != null) {
        return new Result(false, "JDK crypto (AWS-LC did not load: " + error + ")");
      }
      // Throws when the provider's power-on self-tests failed.
      c.getMethod("assertHealthy").invoke(p);
      Security.insertProviderAt(p, 1);
      return new Result(true, p.getName() + " " + p.getVersionStr() + " (AWS-LC, native)");
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      Throwable cause =
          e instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null
              ? ite.getCause()
              : e;
      return new Result(false, "JDK crypto (AWS-LC unavailable: " + cause + ")");
    }
  }

  /**
   * Defines the provider's classes itself (the bytes come from the parent), so that the provider's
   * lookup of its native library as a class resource returns this machine's build.
   */
  private static final class NativeFirst extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    private final String library;

    NativeFirst(ClassLoader parent, String library) {
      super("aws-lc-provider", parent);
      this.library = library;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(PROVIDER_PACKAGE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String file = name.replace('.', '/') + ".class";
          byte[] bytes;
          try (InputStream in = getParent().getResourceAsStream(file)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            bytes = in.readAllBytes();
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
          c = defineClass(name, bytes, 0, bytes.length);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    public URL getResource(String name) {
      return LIBRARY.equals(name) ? getParent().getResource(library) : super.getResource(name);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      if (!LIBRARY.equals(name)) {
        return super.getResourceAsStream(name);
      }
      return getParent().getResourceAsStream(library);
    }
  }
}
