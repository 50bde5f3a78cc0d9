/**
 * Reading image archives in S3 ({@code docker save} and OCI archives, plain or gzip'd): ranged
 * reads that never touch the disk, a tar reader, the first-pass table of contents, entry streams
 * and gzip compression on the fly. Which image to take and what to push is decided by the copy
 * engine's archive source; this package knows nothing of registries.
 */
package io.github.cdkecrdeployment.handler.archive;
