/** AWS CDK construct that copies container images into Amazon ECR. */
package io.github.cdkecrdeployment;
