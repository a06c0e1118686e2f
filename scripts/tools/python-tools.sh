#!/usr/bin/env bash
# Creates a Python venv with the pinned IaC checkers (checkov, kubernetes-validate),
# installed from PyPI with the pins in scripts/tools/requirements.txt.
#
# Usage:
#   scripts/tools/python-tools.sh              install if the venv lacks the pins, print the venv bin dir
#   scripts/tools/python-tools.sh --print-bin  print the venv bin dir only, install nothing
#
#   PATH="$(scripts/tools/python-tools.sh):$PATH"; checkov --version
#
# Stdout is exactly one line, the venv's bin directory; progress goes to stderr.
# Environment: AFPI_CACHE_DIR (default: $HOME/.cache/afpi); AFPI_PYTHON (default:
# python3; the pins were resolved on CPython 3.11).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REQUIREMENTS="$TOOLS_DIR/requirements.txt"
VENV="$CACHE_DIR/venv"
PYTHON="${AFPI_PYTHON:-python3}"

parse_mode "${1:-}" --print-bin
[[ "$MODE" != --print-bin ]] || { printf '%s\n' "$VENV/bin"; exit 0; }

[[ -f "$REQUIREMENTS" ]] || die "missing $REQUIREMENTS"
command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (set AFPI_PYTHON to a Python 3.11 interpreter)"

# Prints what differs between the venv and the pins; exits non-zero if anything does.
check_pins() {
  "$VENV/bin/python" - "$REQUIREMENTS" <<'EOF'
import re, sys
from importlib import metadata
bad = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^;\s]+)", line)
    if not m:
        bad.append(f"unpinned requirement line: {line}")
        continue
    name, want = m.group(1), m.group(3)
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        have = None
    if have != want:
        bad.append(f"{name}: want {want}, have {have}")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
}

want_py="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ -x "$VENV/bin/python" ]]; then
  have_py="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo broken)"
  if [[ "$have_py" == "$want_py" ]] && check_pins >/dev/null 2>&1; then
    printf '%s\n' "$VENV/bin"
    exit 0
  fi
  if [[ "$have_py" != "$want_py" ]]; then
    log "venv $VENV is Python $have_py, want $want_py: recreating it"
    rm -rf "$VENV"
  fi
fi

start="$(now)"
make_work

if [[ ! -x "$VENV/bin/python" ]]; then
  mkdir -p "$CACHE_DIR"
  "$PYTHON" -m venv "$VENV" >>"$LOGF" 2>&1 || fail "$PYTHON -m venv $VENV failed"
fi
echo "\$ $VENV/bin/python -m pip install -r $REQUIREMENTS" >>"$LOGF"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  -r "$REQUIREMENTS" >>"$LOGF" 2>&1 || fail "pip install -r $REQUIREMENTS failed"
if ! mismatch="$(check_pins 2>&1)"; then
  printf '%s\n' "$mismatch" >>"$LOGF"
  fail "after pip install the venv still differs from the pins"
fi
log "installed $(grep -cE '^[A-Za-z0-9]' "$REQUIREMENTS") pinned packages into $VENV (Python $want_py) in $(elapsed "$start")s"
printf '%s\n' "$VENV/bin"
