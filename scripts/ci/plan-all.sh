#!/usr/bin/env bash
# Writes a Markdown plan summary for every deployable stack of $AFPI_ENV to stdout and each stack's full
# `cdktf diff` output to cdktf.out.plans/<stack>.log. Run after `npm run synth`, with Google credentials (CI:
# Workload Identity Federation) and gcloud. A stack is planned only when every stack it reads (its dependencies in
# cdktf.out/manifest.json) has a state object: cdktf reads upstream outputs with terraform_remote_state, so
# before that the plan cannot even start. Exits 1 when a diff fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

manifest=cdktf.out/manifest.json
bucket=$(node -e "console.log(require('./cdktf.out/stacks/network/cdk.tf.json').terraform.backend.gcs.bucket)") ||
  exit 1
mkdir -p cdktf.out.plans
status=0

# The stacks that $1 reads: its dependencies in the manifest, space-separated.
deps_of() { node -e "console.log((require('./$manifest').stacks['$1']?.dependencies ?? []).join(' '))"; }
has_state() { gcloud storage ls "gs://$bucket/$AFPI_ENV/$1/default.tfstate" >/dev/null 2>&1; }

echo "| stack | plan |"
echo "|---|---|"
for stack in $(node dist/scripts/list-stacks.js --deployable); do
  missing=""
  for dep in $(deps_of "$stack"); do has_state "$dep" || missing+=" $dep"; done
  if [ -n "$missing" ]; then
    echo "| $stack | not planned: reads${missing}, not deployed yet |"
    continue
  fi
  if scripts/cdktf.sh diff "$stack" --skip-synth >"cdktf.out.plans/$stack.log" 2>&1; then
    summary=$(grep -Eo 'Plan: [0-9]+ to add, [0-9]+ to change, [0-9]+ to destroy|No changes\.' "cdktf.out.plans/$stack.log" | tail -1)
    echo "| $stack | ${summary:-see the job log} |"
  else
    echo "| $stack | **diff failed**: see the job log |"
    echo "::group::cdktf diff $stack failed" >&2
    cat "cdktf.out.plans/$stack.log" >&2
    echo "::endgroup::" >&2
    status=1
  fi
done
exit "$status"
