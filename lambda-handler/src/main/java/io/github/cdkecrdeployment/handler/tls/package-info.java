/**
 * TLS speed: {@link io.github.cdkecrdeployment.handler.tls.FastCrypto} puts AWS-LC's JCE provider
 * in front of the JDK's, so TLS records are encrypted and decrypted in native code instead of the
 * JDK's Java AES-GCM (which a Lambda's C1-only JIT leaves without intrinsics). A leaf package: it
 * depends on nothing else of the handler.
 */
package io.github.cdkecrdeployment.handler.tls;
