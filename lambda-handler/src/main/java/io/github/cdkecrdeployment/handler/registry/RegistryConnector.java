package io.github.cdkecrdeployment.handler.registry;

import io.github.cdkecrdeployment.handler.common.Deadline;
import java.io.IOException;

/** Opens authenticated {@link RegistryRepository} views. Implementations are thread-safe. */
public interface RegistryConnector {

  /**
   * Opens a repository view, doing the registry's auth handshake (anonymous bearer token, basic, or
   * bearer with the credential).
   *
   * @param reference the repository (its tag/digest is ignored)
   * @param credential the credential, or null for anonymous access
   * @param push true to request push+pull access, false for pull only
   * @param tlsVerify false only when the command line's {@code --*-tls-verify=false} asked for it
   * @param deadline bounds every request and retry made through the returned view
   */
  RegistryRepository open(
      ImageReference reference,
      Credential credential,
      boolean push,
      boolean tlsVerify,
      Deadline deadline)
      throws IOException;
}
