package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Deadline;
import java.io.IOException;
import java.util.Objects;

/**
 * The production {@link RegistryConnector}: opens {@link HttpRepository} views over one shared
 * {@link Transport} (one TLS context, kept-alive connections), authenticated by {@link
 * JibAuthenticator}. Thread-safe; one per process.
 */
public final class RegistryClient implements RegistryConnector {
  private final RequestRetry retry;
  private final Transport transport;

  /** A client with {@link RequestRetry#DEFAULT} and production timeouts. */
  public RegistryClient() {
    this(RequestRetry.DEFAULT);
  }

  /** A client with a given per-request retry. */
  public RegistryClient(RequestRetry retry) {
    this(retry, Transport.Timeouts.DEFAULT.read());
  }

  /**
   * A client with a given per-request retry and read timeout (tests use short ones to stall a body
   * past it).
   *
   * @param readTimeout longest silence while waiting for bytes
   */
  public RegistryClient(RequestRetry retry, java.time.Duration readTimeout) {
    this.retry = Objects.requireNonNull(retry, "retry");
    this.transport =
        new Transport(new Transport.Timeouts(Transport.Timeouts.DEFAULT.connect(), readTimeout));
  }

  @Override
  public RegistryRepository open(
      ImageReference reference,
      Credential credential,
      boolean push,
      boolean tlsVerify,
      Deadline deadline)
      throws IOException {
    HttpRepository r =
        new HttpRepository(reference, credential, push, tlsVerify, deadline, transport, retry);
    try {
      r.connect();
    } catch (IOException | RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  /** Transports jib-core still holds for a view opened here (tests check they are released). */
  static int jibTransportsHeld(RegistryRepository repository) {
    return ((HttpRepository) repository).auth().jibTransportsHeld();
  }
}
