package io.github.cdkecrdeployment.handler.copy;

import io.github.cdkecrdeployment.handler.registry.BlobDescriptor;
import io.github.cdkecrdeployment.handler.registry.RegistryRepository;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where the bytes of one planned blob come from. Opening again gives the bytes again from their
 * start, so a blob whose push failed can be retried on its own.
 */
interface BlobSource {
  /**
   * Opens the bytes.
   *
   * @return the stream, with the media type it turned out to have when the plan could not know it
   *     (a {@code docker save} layer compressed on the way), else null
   */
  Opened open() throws IOException;

  /**
   * An opened blob.
   *
   * @param stream the bytes; the caller closes it
   * @param mediaType the media type learned while opening, or null
   */
  record Opened(InputStream stream, String mediaType) {}

  /**
   * A blob of a registry repository, streamed with GET.
   *
   * @param repository the source repository
   * @param blob its digest and size
   */
  record Registry(RegistryRepository repository, BlobDescriptor blob) implements BlobSource {
    @Override
    public Opened open() throws IOException {
      return new Opened(repository.openBlob(blob), null);
    }
  }
}
