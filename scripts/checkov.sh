#!/usr/bin/env bash
# `npm run checkov`: synthesizes every environment into cdktf.out.checkov/<env> and scans each one's Terraform
# JSON with checkov (framework terraform_json), offline, with the settings and the reasoned skips in
# .checkov.yaml. Prints passed / failed / skipped per environment (skipped = findings of the checks that
# .checkov.yaml skips) and every failure; exits 1 on any failure.
# Needs: the compiled app (npm run build) and checkov from scripts/tools/python-tools.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=cdktf.out.checkov
CONFIG=.checkov.yaml
# No Bridgecrew platform: no check-id mapping download.
export BC_SKIP_MAPPING=TRUE

bin="$(scripts/tools/python-tools.sh)"
started=$(date +%s)
node dist/scripts/synth-all.js "$OUT" >/dev/null

# The ids .checkov.yaml skips, comma-separated (list items "  - CKV_... # reason").
skipped_ids="$(sed -n 's/^[[:space:]]*-[[:space:]]*\(CKV[A-Z0-9_]*\).*/\1/p' "$CONFIG" | paste -sd, -)"
work="$(mktemp -d "${TMPDIR:-/tmp}/afpi-checkov.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Prints "passed failed" of a checkov JSON report (a dict for one framework; empty output: nothing scanned).
counts() {
  "$bin/python" - "$1" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
reports = json.loads(text) if text else []
reports = reports if isinstance(reports, list) else [reports]
s = [r.get("summary", r) for r in reports]
print(sum(x.get("passed", 0) for x in s), sum(x.get("failed", 0) for x in s))
PY
}

status=0
for dir in "$OUT"/*/; do
  env="$(basename "$dir")"
  # The gate: checkov with .checkov.yaml; its cli output lists each failure.
  rc=0
  "$bin/checkov" --config-file "$CONFIG" -d "$dir/stacks" -o json >"$work/$env.json" 2>"$work/$env.err" || rc=$?
  if [[ "$rc" != 0 && "$rc" != 1 ]] || ! read -r passed failed < <(counts "$work/$env.json"); then
    echo "$env: checkov failed to run (exit $rc):"; sed 's/^/    /' "$work/$env.err"; status=1; continue
  fi
  # The skipped checks alone, to count what .checkov.yaml waives here (run from elsewhere: checkov reads a
  # .checkov.yaml in the working directory by itself). Crashing checks (see .checkov.yaml) count nothing.
  (cd "$work" && "$bin/checkov" --framework terraform_json --skip-download --quiet -d "$OLDPWD/$dir/stacks" \
    --check "$skipped_ids" -o json >"$work/$env.skipped.json" 2>/dev/null) || true
  read -r _ skipped < <(counts "$work/$env.skipped.json")
  printf '%-8s passed %3d, failed %3d, skipped %3d (checks waived in %s)\n' "$env" "$passed" "$failed" "$skipped" "$CONFIG"
  if [[ "$failed" != 0 ]]; then
    status=1
    "$bin/python" - "$work/$env.json" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
reports = json.loads(text) if text else []
for r in reports if isinstance(reports, list) else [reports]:
    for c in r.get("results", {}).get("failed_checks", []):
        print(f"    FAILED {c['check_id']} {c['check_name']}: {c['resource']} ({c['file_path']})")
PY
  fi
  if [[ -s "$work/$env.err" ]]; then
    echo "    checkov errors:"; sed 's/^/    /' "$work/$env.err"; status=1
  fi
done
echo "checkov $("$bin/checkov" --version): $(( $(date +%s) - started )) s"
exit "$status"
