#!/usr/bin/env bash
# Installs the Terraform providers that the prebuilt cdktf bindings pin into a local Terraform filesystem
# mirror, built with `go install <module>@<commit>` through the Go module proxy, and writes a Terraform CLI
# config that installs providers from that mirror only (the Terraform registry is not reachable here).
#
# Usage:
#   scripts/tools/tf-mirror.sh                 install what the mirror lacks, write the config
#   scripts/tools/tf-mirror.sh --print-config  write the config only (installs nothing), print its path
#   scripts/tools/tf-mirror.sh --check         exit 1 unless every provider is in the mirror
#
#   export TF_CLI_CONFIG_FILE="$(scripts/tools/tf-mirror.sh)"
#
# Stdout is exactly one line, the path of the CLI config; progress goes to stderr.
# A provider already in the mirror is not built again (the mirror is the cache).
#
# Known blocker (issue 9): the Go module proxy answers "403 ... This module version is not available" for
# these three provider modules at the pinned commits, so on a machine whose mirror is empty this script
# fails with that go error.
#
# Environment: AFPI_CACHE_DIR (default: $HOME/.cache/afpi); GOCACHE, GOMODCACHE as usual.
set -euo pipefail

# name  version  go_module  commit of the release tag (the module paths carry no major-version suffix, so
# `go install <module>@v6.50.0` is refused; the commit resolves to a pseudo-version).
# Keep in step with the cdktf bindings in package.json (@cdktf/provider-google, -kubernetes, -helm).
PROVIDERS_TSV='google	6.50.0	github.com/hashicorp/terraform-provider-google	956f510990a78614a06730c34e93779171c5e8f7
kubernetes	2.38.0	github.com/hashicorp/terraform-provider-kubernetes	be88f44271050f69d52f410bca388834afedfe71
helm	3.1.1	github.com/hashicorp/terraform-provider-helm	1cbf08f6a306ab3cdff6079b87a61c7641b64f3b'

SELF="tf-mirror"
CACHE_DIR="${AFPI_CACHE_DIR:-$HOME/.cache/afpi}"
MIRROR_DIR="$CACHE_DIR/tf-mirror"
TFRC="$CACHE_DIR/terraform-mirror.tfrc"

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SELF" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; }

# Terraform's platform name for this machine (no Go needed, so --check works without it).
platform() {
  local arch
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported machine $(uname -m)" ;;
  esac
  printf '%s_%s' "$(uname -s | tr '[:upper:]' '[:lower:]')" "$arch"
}

binary_path() { # name version platform
  printf '%s/registry.terraform.io/hashicorp/%s/%s/%s/terraform-provider-%s_v%s' \
    "$MIRROR_DIR" "$1" "$2" "$3" "$1" "$2"
}

write_tfrc() {
  local tmp
  mkdir -p "$CACHE_DIR"
  tmp="$(mktemp "$TFRC.XXXXXX")"
  cat >"$tmp" <<EOF
# Written by scripts/tools/tf-mirror.sh: install the providers only from the local filesystem mirror
# (no registry access), no version checkpoint.
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$MIRROR_DIR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
  chmod 0644 "$tmp"
  mv -f "$tmp" "$TFRC"
}

install_one() { # name version module commit dest
  local name="$1" version="$2" module="$3" commit="$4" dest="$5" work rc=0
  work="$(mktemp -d "${TMPDIR:-/tmp}/afpi-tf-$name.XXXXXX")"
  # Each provider reads its version from one of these symbols; -X of an absent symbol is a no-op.
  local ldflags="-s -w -X main.Version=$version -X main.version=$version -X $module/version.ProviderVersion=$version"
  local cmd=(go install -trimpath "-ldflags=$ldflags" "$module@$commit")
  printf '$ CGO_ENABLED=0 GOBIN=%s %s\n' "$work/bin" "$(printf '%q ' "${cmd[@]}")" >"$work/go.log"
  CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN="$work/bin" "${cmd[@]}" >>"$work/go.log" 2>&1 || rc=$?
  if [[ "$rc" != 0 || ! -x "$work/bin/${module##*/}" ]]; then
    {
      printf '%s: error: go install of terraform-provider-%s %s failed. Go output:\n' "$SELF" "$name" "$version"
      sed 's/^/    /' "$work/go.log"
      if grep -q -e 'This module version is not available' -e '403 Forbidden' "$work/go.log"; then
        printf '%s: the Go module proxy does not serve %s at the pinned commit, so the provider cannot be installed here (known blocker, see issue 9).\n' \
          "$SELF" "$module"
      fi
    } >&2
    chmod -R u+w "$work" 2>/dev/null || true
    rm -rf "$work"
    return 1
  fi
  mkdir -p "$(dirname "$dest")"
  install -m 0755 "$work/bin/${module##*/}" "$dest.partial"
  mv -f "$dest.partial" "$dest"
  rm -rf "$work"
}

main() {
  local mode=install
  case "${1:-}" in
    "") ;;
    --print-config) mode=print ;;
    --check) mode=check ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" ;;
  esac
  [[ $# -le 1 ]] || die "one argument at most (try --help)"

  write_tfrc
  if [[ "$mode" == print ]]; then
    printf '%s\n' "$TFRC"
    return 0
  fi

  local plat name version module commit dest missing=() failed=() start t0 built=0 cached=0
  plat="$(platform)"
  while IFS=$'\t' read -r name version module commit; do
    dest="$(binary_path "$name" "$version" "$plat")"
    if [[ -x "$dest" ]]; then cached=$((cached + 1)); else missing+=("$name"); fi
  done <<<"$PROVIDERS_TSV"

  if [[ "$mode" == check ]]; then
    [[ ${#missing[@]} == 0 ]] ||
      die "the mirror $MIRROR_DIR lacks: ${missing[*]}. Run scripts/tools/tf-mirror.sh (the Go module proxy refuses these provider versions: see issue 9)"
    printf '%s\n' "$TFRC"
    return 0
  fi

  if [[ ${#missing[@]} -gt 0 ]]; then
    command -v go >/dev/null 2>&1 || [[ ! -x /usr/local/go/bin/go ]] || PATH="/usr/local/go/bin:$PATH"
    command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to install the providers)"
    # One install at a time per cache dir (a second caller waits, then finds the mirror filled).
    exec 9>"$CACHE_DIR/.tf-mirror.lock"
    if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
      log "another tf-mirror.sh is installing into $CACHE_DIR; waiting for it"
      flock 9
    fi
  fi
  start="$(now)"
  while IFS=$'\t' read -r name version module commit; do
    dest="$(binary_path "$name" "$version" "$plat")"
    [[ ! -x "$dest" ]] || continue
    log "go install terraform-provider-$name $version ($module@${commit:0:12}) ..."
    t0="$(now)"
    if install_one "$name" "$version" "$module" "$commit" "$dest"; then
      log "installed terraform-provider-$name $version in $(elapsed "$t0")s ($(du -h "$dest" | cut -f1))"
      built=$((built + 1))
    else
      failed+=("$name")
    fi
  done <<<"$PROVIDERS_TSV"
  [[ ${#failed[@]} == 0 ]] || die "could not install: ${failed[*]} (the mirror $MIRROR_DIR is incomplete)"
  log "mirror $MIRROR_DIR: $built installed, $cached already there, $(elapsed "$start")s"
  printf '%s\n' "$TFRC"
}

main "$@"
