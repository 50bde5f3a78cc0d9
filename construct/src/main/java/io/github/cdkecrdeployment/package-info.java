/**
 * AWS CDK construct that copies container images into Amazon ECR while a stack deploys.
 *
 * <p>Start with {@link io.github.cdkecrdeployment.ECRDeployment.Builder#create}; name images with
 * {@link io.github.cdkecrdeployment.DockerImageName} or {@link
 * io.github.cdkecrdeployment.S3ArchiveName}.
 */
package io.github.cdkecrdeployment;
