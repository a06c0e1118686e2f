#!/usr/bin/env bash
# Plans every deployable stack of $AFPI_ENV into saved plan files for review before apply (deploy-env.yml): run
# after `npm run synth`, with the deployer's credentials. Writes cdktf.out.plans/<stack>.tfplan (secrets inside:
# it travels only through the state bucket) and <stack>.txt, cdktf.out.plans/apply.list (stacks to apply, in
# order) and a Markdown summary on stdout. A stack is planned only when no stack it reads has pending output
# changes: its saved plan would apply values read before the upstream apply. Such stacks are listed as deferred;
# run the deploy again after this one. Exits 1 when a plan fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
export CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$PWD/terraform.rc" TF_IN_AUTOMATION=1

out="$PWD/cdktf.out.plans"
mkdir -p "$out"
: >"$out/apply.list"
declare -A unsettled=()
status=0

deps_of() { node -e "console.log((require('./cdktf.out/manifest.json').stacks['$1']?.dependencies ?? []).join(' '))"; }
# Exit 0 when the saved plan changes none of the stack's outputs.
outputs_unchanged() {
  node -e "let s='';process.stdin.on('data',(d)=>(s+=d)).on('end',()=>{const c=Object.values(JSON.parse(s).output_changes??{});process.exit(c.every((o)=>o.actions.every((a)=>a==='no-op'))?0:1)})"
}

echo "| stack | plan |"
echo "|---|---|"
for stack in $(node dist/scripts/list-stacks.js --deployable); do
  blocked=""
  for dep in $(deps_of "$stack"); do [ -n "${unsettled[$dep]:-}" ] && blocked+=" $dep"; done
  if [ -n "$blocked" ]; then
    unsettled[$stack]=1
    echo "| $stack | deferred: reads${blocked}, whose outputs change in this deploy; deploy again afterwards |"
    continue
  fi
  dir="cdktf.out/stacks/$stack"
  terraform -chdir="$dir" init -input=false -no-color >"$out/$stack.init.log" 2>&1
  code=$?
  if [ "$code" -eq 0 ]; then
    terraform -chdir="$dir" plan -input=false -no-color -detailed-exitcode -out="$out/$stack.tfplan" >"$out/$stack.txt" 2>&1
    code=$?
  fi
  case "$code" in
    0) echo "| $stack | No changes. |" ;;
    2)
      echo "$stack" >>"$out/apply.list"
      terraform -chdir="$dir" show -json "$out/$stack.tfplan" | outputs_unchanged || unsettled[$stack]=1
      echo "| $stack | $(grep -Eo 'Plan: [0-9]+ to add, [0-9]+ to change, [0-9]+ to destroy' "$out/$stack.txt" | tail -1) |"
      ;;
    *)
      unsettled[$stack]=1
      status=1
      echo "| $stack | **plan failed**: see the job log |"
      echo "::group::plan $stack failed" >&2
      cat "$out/$stack.init.log" "$out/$stack.txt" >&2 2>/dev/null
      echo "::endgroup::" >&2
      ;;
  esac
done
exit "$status"
