/**
 * Registry credentials from {@code SrcCreds}/{@code DestCreds} and the registry host: literals,
 * Secrets Manager secrets, ECR and ECR Public tokens ({@link
 * io.github.cdkecrdeployment.handler.auth.CredentialResolver}).
 */
package io.github.cdkecrdeployment.handler.auth;
