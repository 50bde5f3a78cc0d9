/**
 * The registry client, in small parts with one job each: {@link
 * io.github.cdkecrdeployment.handler.registry.RegistryClient} opens repository views ({@link
 * io.github.cdkecrdeployment.handler.registry.HttpRepository}, with {@link
 * io.github.cdkecrdeployment.handler.registry.BlobUploads}) over one {@link
 * io.github.cdkecrdeployment.handler.registry.Transport}; {@link
 * io.github.cdkecrdeployment.handler.registry.FailureClassifier} is the one place that decides what
 * a failure means; {@code JibAuthenticator} is the only class that touches jib-core. Depends only
 * on the {@code common} package.
 */
package io.github.cdkecrdeployment.handler.registry;
