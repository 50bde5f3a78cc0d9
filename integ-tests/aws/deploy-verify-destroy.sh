#!/usr/bin/env bash
# Real deployment of the specific-architecture example into the AWS account of the current
# credentials: cdk deploy, check that the ECR tag holds the arm64 image of the source index, cdk
# destroy (also when the check fails). Run through `mvn -Paws verify -pl integ-tests -am`; never part of
# the default build. Needs: AWS credentials with rights to bootstrap/deploy CDK stacks, a bootstrapped
# account/region (`npx cdk bootstrap`), the aws CLI, skopeo, node/npm.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
example="$root/examples/specific-architecture"
stack="EcrDeploymentSpecificArchitecture"
source_image="public.ecr.aws/docker/library/nginx:stable"
tag="nginx-arm64"

for tool in aws skopeo npx; do
  command -v "$tool" >/dev/null || { echo "missing $tool: install it first (apt-get install awscli skopeo nodejs npm)" >&2; exit 2; }
done
if ! identity="$(aws sts get-caller-identity --output text --query Account 2>&1)"; then
  echo "no usable AWS credentials (aws sts get-caller-identity failed): $identity" >&2
  exit 2
fi
echo "deploying $stack to account $identity, region ${AWS_REGION:-${AWS_DEFAULT_REGION:-from the profile}}" >&2

cdk="$root/node_modules/.bin/cdk"
[ -x "$cdk" ] || (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
outputs="$(mktemp)"
cleanup() {
  (cd "$example" && "$cdk" destroy --force "$stack") || echo "cdk destroy failed: delete stack $stack by hand" >&2
  rm -f "$outputs"
}
trap cleanup EXIT

(cd "$example" && "$cdk" deploy --require-approval never --outputs-file "$outputs" "$stack")

repository="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["RepositoryName"])' "$outputs" "$stack")"
reported="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["ImageDigest"])' "$outputs" "$stack")"
in_ecr="$(aws ecr describe-images --repository-name "$repository" --image-ids imageTag="$tag" \
  --query 'imageDetails[0].imageDigest' --output text)"
expected="$(skopeo inspect --override-os linux --override-arch arm64 --format '{{.Digest}}' "docker://$source_image")"

echo "source arm64 image: $expected" >&2
echo "ECR $repository:$tag: $in_ecr" >&2
echo "custom resource ImageDigest: $reported" >&2
if [ "$in_ecr" != "$expected" ] || [ "$reported" != "$expected" ]; then
  echo "FAILED: the deployed tag does not hold the source's arm64 image" >&2
  exit 1
fi
echo "OK: $repository:$tag holds $expected" >&2
