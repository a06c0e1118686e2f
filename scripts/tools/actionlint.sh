#!/usr/bin/env bash
# Installs the pinned actionlint (GitHub Actions workflow linter), built with the Go toolchain from the Go
# module proxy, and prints its path.
#
# Usage:
#   scripts/tools/actionlint.sh               install if absent (or a different version), print the path
#   scripts/tools/actionlint.sh --print-path  print the path only, install nothing
#
#   "$(scripts/tools/actionlint.sh)" .github/workflows/*.yml
#
# Stdout is exactly one line, the path of the actionlint binary; progress goes to stderr. actionlint runs
# `shellcheck` on `run:` scripts when it is on PATH (apt-get install -y shellcheck) and skips it otherwise.
# Environment: AFPI_CACHE_DIR (default: $HOME/.cache/afpi); GOCACHE, GOMODCACHE as usual.
set -euo pipefail

ACTIONLINT_VERSION="v1.7.12"
ACTIONLINT_PACKAGE="github.com/rhysd/actionlint/cmd/actionlint"

SELF="actionlint"
CACHE_DIR="${AFPI_CACHE_DIR:-$HOME/.cache/afpi}"
BIN_DIR="$CACHE_DIR/bin"
ACTIONLINT_BIN="$BIN_DIR/actionlint"

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SELF" "$*" >&2; exit 1; }

case "${1:-}" in
  "") ;;
  --print-path) printf '%s\n' "$ACTIONLINT_BIN"; exit 0 ;;
  -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

# `go install` stamps the module version into the binary; `-version` prints it on the first line.
installed_version() { "$ACTIONLINT_BIN" -version 2>/dev/null | head -1 || true; }

if [[ -x "$ACTIONLINT_BIN" && "$(installed_version)" == "$ACTIONLINT_VERSION" ]]; then
  printf '%s\n' "$ACTIONLINT_BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || [[ ! -x /usr/local/go/bin/go ]] || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build actionlint)"

start="$(date +%s)"
work="$(mktemp -d "${TMPDIR:-/tmp}/afpi-actionlint.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "building actionlint $ACTIONLINT_VERSION from $ACTIONLINT_PACKAGE ..."
if ! CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$work/bin" \
  go install -trimpath -ldflags='-s -w' "$ACTIONLINT_PACKAGE@$ACTIONLINT_VERSION" >"$work/go.log" 2>&1; then
  sed 's/^/    /' "$work/go.log" >&2
  die "go install of $ACTIONLINT_PACKAGE@$ACTIONLINT_VERSION failed (is the Go module proxy reachable?)"
fi

mkdir -p "$BIN_DIR"
install -m 0755 "$work/bin/actionlint" "$ACTIONLINT_BIN.partial"
mv -f "$ACTIONLINT_BIN.partial" "$ACTIONLINT_BIN"
got="$(installed_version)"
[[ "$got" == "$ACTIONLINT_VERSION" ]] || die "built $ACTIONLINT_BIN but it reports version '$got', expected $ACTIONLINT_VERSION"
log "installed actionlint $ACTIONLINT_VERSION at $ACTIONLINT_BIN in $(($(date +%s) - start)) s"
printf '%s\n' "$ACTIONLINT_BIN"
