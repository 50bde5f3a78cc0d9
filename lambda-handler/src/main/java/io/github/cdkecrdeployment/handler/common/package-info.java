/**
 * Primitives every other package of the handler shares and that depend on none of them: the
 * deadline, the backoff, the retry classification, media types, digests, the redacting log and the
 * AWS client settings.
 */
package io.github.cdkecrdeployment.handler.common;
