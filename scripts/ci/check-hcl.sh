#!/usr/bin/env bash
# Checks the HCL exit path: `npm run synth:hcl` (cdktf synth --hcl) for one environment must write a non-empty
# cdk.tf that Terraform can parse for every stack in cdktf.out.hcl/manifest.json, within a memory budget
# (upstream reports `synth --hcl` running out of memory). Prints the peak RSS and the wall time.
#
# Usage: scripts/ci/check-hcl.sh [env]     env defaults to $AFPI_ENV, then prod (the largest environment)
# Environment: AFPI_HCL_MAX_RSS_MB (default 2048): fail above this peak RSS of the largest process.
# Needs /usr/bin/time (GNU time) and terraform on PATH (`terraform fmt` parses the HCL; no providers needed).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
export CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$PWD/terraform.rc"

env="${1:-${AFPI_ENV:-prod}}"
max_rss_mb="${AFPI_HCL_MAX_RSS_MB:-2048}"
out=cdktf.out.hcl
log="$(mktemp "${TMPDIR:-/tmp}/afpi-check-hcl.XXXXXX")"
trap 'rm -f "$log" "$log.fmt"' EXIT
fail() { echo "check-hcl: FAILED: $*" >&2; exit 1; }

[ -x /usr/bin/time ] || fail "/usr/bin/time (GNU time) is missing: apt-get install -y time"
command -v terraform >/dev/null 2>&1 || fail "terraform is not on PATH (needed to parse the HCL)"

rm -rf "$out"
# CI=true keeps the cdktf CLI from drawing a spinner into the log.
if ! AFPI_ENV="$env" CI=true /usr/bin/time -v npm run --silent synth:hcl >"$log" 2>&1; then
  cat "$log" >&2
  fail "npm run synth:hcl for $env exited non-zero"
fi
rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log")
wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
seconds=$(awk -F: -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }')
rss_mb=$((rss_kb / 1024))

[ -s "$out/manifest.json" ] || fail "$out/manifest.json was not written"
status=0
count=0
# Stack id and cdk.tf path of every stack in the manifest, one tab-separated pair per line.
while IFS=$'\t' read -r stack file; do
  count=$((count + 1))
  if [ ! -s "$out/$file" ]; then
    echo "check-hcl: $stack: $out/$file is missing or empty" >&2
    status=1
    continue
  fi
  # Exit 2: a parse error. Exit 3 only means "not in terraform fmt style", which cdktf's output never is.
  terraform fmt -check -list=false -no-color "$out/$file" >/dev/null 2>"$log.fmt"
  if [ $? -eq 2 ]; then
    errors=$(grep -c '^Error:' "$log.fmt")
    echo "check-hcl: $stack: $out/$file is not valid HCL ($errors errors); the first:" >&2
    grep -m1 -A3 '^Error:' "$log.fmt" | sed 's/^/    /' >&2
    status=1
  fi
done < <(node -e '
  const m = require(process.argv[1]);
  for (const [id, s] of Object.entries(m.stacks)) console.log(id + "\t" + s.synthesizedStackPath);
' "$PWD/$out/manifest.json")

echo "check-hcl: $env: $count stacks, peak RSS ${rss_mb} MB (budget ${max_rss_mb} MB), ${seconds} s"
[ "$count" -gt 0 ] || fail "the manifest lists no stacks"
[ "$rss_mb" -le "$max_rss_mb" ] || fail "peak RSS ${rss_mb} MB is above the ${max_rss_mb} MB budget"
[ "$status" -eq 0 ] || fail "some stacks have no usable HCL (see above)"
echo "check-hcl: ok"
