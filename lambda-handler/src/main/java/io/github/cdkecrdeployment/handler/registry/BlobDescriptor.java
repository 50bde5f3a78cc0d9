package io.github.cdkecrdeployment.handler.registry;

/**
 * A content-addressed blob.
 *
 * @param digest {@code sha256:<hex>}
 * @param size size in bytes
 */
public record BlobDescriptor(String digest, long size) {}
