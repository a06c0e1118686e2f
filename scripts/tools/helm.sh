#!/usr/bin/env bash
# Installs the pinned helm CLI, built from source with the Go toolchain
# (helm's own installer downloads a release binary, which is not reachable here).
#
# Usage:
#   scripts/tools/helm.sh               install if absent (or a different version), print the path
#   scripts/tools/helm.sh --print-path  print the path only, install nothing
#
#   HELM="$(scripts/tools/helm.sh)"
#
# Stdout is exactly one line, the path of the helm binary; progress goes to stderr.
# Environment: AFPI_CACHE_DIR (default: $HOME/.cache/afpi); GOCACHE, GOMODCACHE as usual.
set -euo pipefail

HELM_VERSION="v3.22.0"
HELM_MODULE="helm.sh/helm/v3"

SELF="helm"
CACHE_DIR="${AFPI_CACHE_DIR:-$HOME/.cache/afpi}"
BIN_DIR="$CACHE_DIR/bin"
HELM_BIN="$BIN_DIR/helm"

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SELF" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

case "${1:-}" in
  "") ;;
  --print-path) printf '%s\n' "$HELM_BIN"; exit 0 ;;
  -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

installed_version() { "$HELM_BIN" version --template '{{.Version}}' 2>/dev/null || true; }

if [[ -x "$HELM_BIN" && "$(installed_version)" == "$HELM_VERSION" ]]; then
  printf '%s\n' "$HELM_BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || [[ ! -x /usr/local/go/bin/go ]] || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build helm)"

start="$(now)"
work="$(mktemp -d "${TMPDIR:-/tmp}/afpi-helm.XXXXXX")"
trap 'rm -rf "$work"' EXIT
logf="$work/go.log"

fail() {
  {
    printf '%s: error: %s. Command output:\n' "$SELF" "$1"
    sed 's/^/    /' "$logf"
  } >&2
  exit 1
}

# The release build's ldflags (helm's Makefile): version, commit, and the
# Kubernetes version that `helm template` assumes, taken from its client-go.
echo "\$ go mod download -json $HELM_MODULE@$HELM_VERSION" >>"$logf"
go mod download -json "$HELM_MODULE@$HELM_VERSION" >"$work/dl.json" 2>>"$logf" ||
  fail "the Go module proxy did not give $HELM_MODULE@$HELM_VERSION"
gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' "$work/dl.json")"
commit="$(sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)",\{0,1\}$/\1/p' "$work/dl.json" | head -1)"
client_go="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod")" # e.g. v0.37.0
[[ "$client_go" =~ ^v0\.([0-9]+)\. ]] || fail "cannot read the k8s.io/client-go version from $gomod"
k8s_major=1 k8s_minor="${BASH_REMATCH[1]}"

pkg="helm.sh/helm/v3"
ldflags="-s -w -X $pkg/internal/version.version=$HELM_VERSION -X $pkg/internal/version.gitTreeState=clean"
ldflags+=" -X $pkg/internal/version.gitCommit=$commit"
ldflags+=" -X $pkg/pkg/lint/rules.k8sVersionMajor=$k8s_major -X $pkg/pkg/lint/rules.k8sVersionMinor=$k8s_minor"
ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=$k8s_major -X $pkg/pkg/chartutil.k8sVersionMinor=$k8s_minor"

log "building helm $HELM_VERSION from $HELM_MODULE/cmd/helm ..."
echo "\$ CGO_ENABLED=0 GOBIN=$work/bin go install -trimpath -ldflags='$ldflags' $HELM_MODULE/cmd/helm@$HELM_VERSION" >>"$logf"
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$work/bin" \
  go install -trimpath -ldflags="$ldflags" "$HELM_MODULE/cmd/helm@$HELM_VERSION" >>"$logf" 2>&1 ||
  fail "go install of helm $HELM_VERSION failed"

mkdir -p "$BIN_DIR"
install -m 0755 "$work/bin/helm" "$HELM_BIN.partial"
mv -f "$HELM_BIN.partial" "$HELM_BIN"
got="$(installed_version)"
[[ "$got" == "$HELM_VERSION" ]] || die "built $HELM_BIN but it reports version '$got', expected $HELM_VERSION"
log "installed helm $HELM_VERSION (kube default v$k8s_major.$k8s_minor) at $HELM_BIN in $(elapsed "$start")s"
printf '%s\n' "$HELM_BIN"
