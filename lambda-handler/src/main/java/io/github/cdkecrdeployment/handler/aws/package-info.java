/**
 * The handler's AWS API calls without the SDK's service clients: endpoint resolution ({@link
 * io.github.cdkecrdeployment.handler.aws.AwsEndpoints}), SigV4-signed requests ({@link
 * io.github.cdkecrdeployment.handler.aws.SignedCall}), the JSON 1.1 protocol of ECR, ECR Public and
 * Secrets Manager ({@link io.github.cdkecrdeployment.handler.aws.AwsJsonCall}), S3 object reads
 * ({@link io.github.cdkecrdeployment.handler.aws.S3Objects}), service errors and their retry. Built
 * on the SDK parts the handler ships anyway (credentials, signer, URL-connection HTTP client,
 * partition metadata); depends on {@code common} only.
 */
package io.github.cdkecrdeployment.handler.aws;
