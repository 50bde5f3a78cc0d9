#!/usr/bin/env bash
# Runs `cdk synth` (the AWS CDK command line pinned in package-lock.json) in each example folder, as a
# user would, and checks that each produced a template with an ECR deployment. Offline: no AWS account,
# credentials, Docker or network besides Maven's own repositories. Each example's cdk.json builds the
# handler, the construct and the example in one Maven reactor, so nothing needs to be installed.
# Usage: integ-tests/synth-examples.sh [example-folder-name...]   (default: every module of examples/pom.xml)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [ ! -x node_modules/.bin/cdk ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export CDK_DISABLE_VERSION_CHECK=true
export CDK_DISABLE_CLI_TELEMETRY=true
export AWS_EC2_METADATA_DISABLED=true

if (($#)); then
  examples=("$@")
else
  # Every module of examples/pom.xml; one without a cdk.json fails below rather than being left out.
  mapfile -t examples < <(sed -n 's|.*<module>\(.*\)</module>.*|\1|p' examples/pom.xml)
fi

failed=0
passed=0
for name in "${examples[@]}"; do
  dir="$root/examples/$name"
  if [ ! -f "$dir/cdk.json" ]; then
    echo "synth $name: FAILED, examples/$name has no cdk.json" >&2
    failed=$((failed + 1))
    continue
  fi
  rm -rf "$dir/cdk.out"
  mkdir -p "$dir/target"
  log="$dir/target/cdk-synth.log"
  start=$(date +%s)
  if (cd "$dir" && "$root/node_modules/.bin/cdk" synth --no-notices --quiet >"$log" 2>&1) &&
    grep -l '"Custom::CDKECRDeployment"' "$dir"/cdk.out/*.template.json >/dev/null 2>&1; then
    echo "synth $name: ok ($(($(date +%s) - start)) s) $(ls "$dir"/cdk.out/*.template.json)"
    passed=$((passed + 1))
  else
    echo "synth $name: FAILED, see $log" >&2
    tail -20 "$log" >&2 || true
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
