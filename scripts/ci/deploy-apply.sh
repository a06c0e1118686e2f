#!/usr/bin/env bash
# Applies the reviewed saved plans in cdktf.out.plans (written by deploy-plan.sh for the same commit), stack by
# stack in the order of cdktf.out.plans/apply.list, stopping at the first failure. Terraform refuses a saved plan
# whose state changed since it was made ("Saved plan is stale"): then plan and review again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$PWD/terraform.rc" TF_IN_AUTOMATION=1

out="$PWD/cdktf.out.plans"
while read -r stack; do
  [ -n "$stack" ] || continue
  echo "::group::terraform apply $stack"
  terraform -chdir="cdktf.out/stacks/$stack" init -input=false -no-color
  terraform -chdir="cdktf.out/stacks/$stack" apply -input=false -no-color "$out/$stack.tfplan"
  echo "::endgroup::"
done <"$out/apply.list"
