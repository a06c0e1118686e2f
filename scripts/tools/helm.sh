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

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The release build's ldflags (helm's Makefile): version, commit, and the
# Kubernetes version that `helm template` assumes, taken from its client-go.
release_ldflags() {
  local gomod commit client_go major=1 minor pkg="$HELM_MODULE" ldflags
  echo "\$ go mod download -json $HELM_MODULE@$HELM_VERSION" >>"$LOGF"
  go mod download -json "$HELM_MODULE@$HELM_VERSION" >"$WORK/dl.json" 2>>"$LOGF" ||
    fail "the Go module proxy did not give $HELM_MODULE@$HELM_VERSION"
  gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p' "$WORK/dl.json")"
  commit="$(sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)",\{0,1\}$/\1/p' "$WORK/dl.json" | head -1)"
  client_go="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$gomod")" # e.g. v0.37.0
  [[ "$client_go" =~ ^v0\.([0-9]+)\. ]] || fail "cannot read the k8s.io/client-go version from $gomod"
  minor="${BASH_REMATCH[1]}"
  log "helm template will default to Kubernetes v$major.$minor (k8s.io/client-go $client_go)"
  ldflags="-X $pkg/internal/version.version=$HELM_VERSION -X $pkg/internal/version.gitTreeState=clean"
  ldflags+=" -X $pkg/internal/version.gitCommit=$commit"
  ldflags+=" -X $pkg/pkg/lint/rules.k8sVersionMajor=$major -X $pkg/pkg/lint/rules.k8sVersionMinor=$minor"
  ldflags+=" -X $pkg/pkg/chartutil.k8sVersionMajor=$major -X $pkg/pkg/chartutil.k8sVersionMinor=$minor"
  printf '%s' "$ldflags"
}

parse_mode "${1:-}" --print-path
[[ "$MODE" != --print-path ]] || { printf '%s\n' "$BIN_DIR/helm"; exit 0; }
go_install_pinned helm "$HELM_MODULE/cmd/helm" "$HELM_VERSION" release_ldflags version --template '{{.Version}}'
