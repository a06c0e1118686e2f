# shellcheck shell=bash
# Shared by the installers in scripts/tools/ (sourced, not run). Each installer keeps its usage in the
# comment block between its shebang and `set -euo pipefail`, which --help prints.
# shellcheck disable=SC2034 # TOOLS_DIR, BIN_DIR, MODE are read by the installers

SELF="$(basename "$0" .sh)"
TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${AFPI_CACHE_DIR:-$HOME/.cache/afpi}"
BIN_DIR="$CACHE_DIR/bin"

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SELF" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; }

# Sets MODE to the installer's optional argument: empty or one of the given flags.
parse_mode() { # arg flag...
  MODE="$1"
  shift
  case "$MODE" in
    "") return 0 ;;
    -h | --help) usage; exit 0 ;;
  esac
  local flag
  for flag in "$@"; do [[ "$MODE" != "$flag" ]] || return 0; done
  die "unknown argument: $MODE (try --help)"
}

# A temp dir ($WORK), removed on exit, holding the command log ($LOGF) that fail prints.
make_work() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/afpi-$SELF.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  LOGF="$WORK/log"
  : >"$LOGF"
}
report_failure() { printf '%s: error: %s. Output:\n' "$SELF" "$1" >&2; sed 's/^/    /' "$LOGF" >&2; }
fail() { report_failure "$1"; exit 1; }

# The standard Go install lives in /usr/local/go/bin, which is often not on PATH.
need_go() { # what go is needed for
  command -v go >/dev/null 2>&1 || [[ ! -x /usr/local/go/bin/go ]] || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to $1)"
}

# Builds with `go install` into GOBIN, logging the command and its output to $LOGF.
go_build() { # gobin module@version extra-ldflags
  local cmd=(go install -trimpath "-ldflags=-s -w${3:+ $3}" "$2")
  printf '$ CGO_ENABLED=0 GOBIN=%s %s\n' "$1" "$(printf '%q ' "${cmd[@]}")" >>"$LOGF"
  CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$1" "${cmd[@]}" >>"$LOGF" 2>&1
}

# Via a temp name, so that a reader never runs a half-copied binary.
install_bin() { # built dest
  mkdir -p "$(dirname "$2")"
  install -m 0755 "$1" "$2.partial"
  mv -f "$2.partial" "$2"
}

reported_version() { "$@" 2>/dev/null | head -1 || true; }

# Prints the path of $BIN_DIR/NAME, first building PACKAGE@VERSION unless that binary already reports
# VERSION as the first line of `NAME VERSION_ARGS...`. LDFLAGS_FN (may be "") runs only when building and
# prints extra -ldflags; it may use $WORK and $LOGF and call fail.
go_install_pinned() { # name package version ldflags-fn version-arg...
  local name="$1" package="$2" version="$3" ldflags_fn="$4" bin="$BIN_DIR/$1" ldflags="" start got
  shift 4
  if [[ -x "$bin" && "$(reported_version "$bin" "$@")" == "$version" ]]; then
    printf '%s\n' "$bin"
    return 0
  fi
  need_go "build $name"
  start="$(now)"
  make_work
  if [[ -n "$ldflags_fn" ]]; then ldflags="$("$ldflags_fn")" || exit 1; fi
  log "building $name $version from $package ..."
  go_build "$WORK/bin" "$package@$version" "$ldflags" ||
    fail "go install of $package@$version failed (is the Go module proxy reachable?)"
  install_bin "$WORK/bin/${package##*/}" "$bin"
  got="$(reported_version "$bin" "$@")"
  [[ "$got" == "$version" ]] || die "built $bin but it reports version '$got', expected $version"
  log "installed $name $version at $bin in $(elapsed "$start")s"
  printf '%s\n' "$bin"
}
