/**
 * Internals of the construct: the handler asset writer and synth-time validation. Not a public API;
 * anything here may change in any release.
 */
package io.github.cdkecrdeployment.internal;
