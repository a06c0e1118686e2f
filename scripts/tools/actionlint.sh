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

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

parse_mode "${1:-}" --print-path
[[ "$MODE" != --print-path ]] || { printf '%s\n' "$BIN_DIR/actionlint"; exit 0; }
# `go install` stamps the module version into the binary; `-version` prints it on the first line.
go_install_pinned actionlint "$ACTIONLINT_PACKAGE" "$ACTIONLINT_VERSION" "" -version
