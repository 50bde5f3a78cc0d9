/**
 * The CloudFormation custom-resource protocol: the event parsed once into {@link
 * io.github.cdkecrdeployment.handler.cfn.CfnEvent} and {@link
 * io.github.cdkecrdeployment.handler.cfn.DeploymentProperties}, the single {@link
 * io.github.cdkecrdeployment.handler.cfn.CfnResponse} and its {@link
 * io.github.cdkecrdeployment.handler.cfn.ResponseSender}. See
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html.
 */
package io.github.cdkecrdeployment.handler.cfn;
