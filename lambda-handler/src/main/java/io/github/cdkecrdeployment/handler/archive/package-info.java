/**
 * Image archives in S3 ({@code docker save} and OCI archives, plain or gzip'd) copied to a registry
 * by {@link io.github.cdkecrdeployment.handler.archive.ArchiveCopier}, streamed with ranged reads
 * and never written to disk.
 */
package io.github.cdkecrdeployment.handler.archive;
