#!/usr/bin/env bash
# Builds the Terraform providers that the prebuilt cdktf bindings pin, from Go
# source, into a local Terraform filesystem mirror, and writes a Terraform CLI
# config that installs providers from that mirror only (the Terraform registry
# is not reachable here).
#
# Usage:
#   scripts/tools/tf-mirror.sh                 build what is missing, write the config
#   scripts/tools/tf-mirror.sh --print-config  print the config path only (writes the
#                                              small config file, builds nothing)
#   scripts/tools/tf-mirror.sh --check         exit 1 unless every provider is in the mirror
#   scripts/tools/tf-mirror.sh --pack-sources DIR
#                                              maintainer step: write the source tarballs
#                                              (tf-provider-src/) from git clones in DIR
#
#   export TF_CLI_CONFIG_FILE="$(scripts/tools/tf-mirror.sh)"
#
# Stdout is exactly one line, the path of the CLI config; progress goes to stderr.
#
# Where the source comes from, per provider (AFPI_TF_BUILD_FROM=auto|proxy|src):
#   proxy: `go install <module>@<commit>` through the Go module proxy;
#   src:   the tarball scripts/tools/tf-provider-src/terraform-provider-<name>-<version>.tar.gz
#          (checked against SHA256SUMS there), built with `go build`; its
#          dependencies still come from the Go module proxy.
#   auto (default): proxy first, then src. The proxy currently refuses these
#          three module versions ("403 ... This module version is not available"),
#          so in practice the tarballs are what is built.
#
# Environment:
#   AFPI_CACHE_DIR   cache root (default: $HOME/.cache/afpi)
#   AFPI_TF_SRC_DIR  directory of source tarballs (default: scripts/tools/tf-provider-src)
#   GOCACHE, GOMODCACHE, GOFLAGS ... are honoured as usual.
set -euo pipefail

# name  version  go_module  commit
# Keep in step with the cdktf bindings (shared/tf-providers.tsv, when present,
# is compared against this table and a difference is reported).
PROVIDERS_TSV='google	6.50.0	github.com/hashicorp/terraform-provider-google	956f510990a78614a06730c34e93779171c5e8f7
kubernetes	2.38.0	github.com/hashicorp/terraform-provider-kubernetes	be88f44271050f69d52f410bca388834afedfe71
helm	3.1.1	github.com/hashicorp/terraform-provider-helm	1cbf08f6a306ab3cdff6079b87a61c7641b64f3b'

NAMESPACE_DIR="registry.terraform.io/hashicorp"
SELF="tf-mirror"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="${AFPI_CACHE_DIR:-$HOME/.cache/afpi}"
MIRROR_DIR="$CACHE_DIR/tf-mirror"
TFRC="$CACHE_DIR/terraform-mirror.tfrc"
SRC_DIR="${AFPI_TF_SRC_DIR:-$SCRIPT_DIR/tf-provider-src}"
BUILD_FROM="${AFPI_TF_BUILD_FROM:-auto}"

log() { printf '%s: %s\n' "$SELF" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SELF" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; }

# ---------------------------------------------------------------- table
compare_shared_table() {
  local shared="$REPO_ROOT/../shared/tf-providers.tsv" theirs
  [[ -r "$shared" ]] || return 0
  # Select name, version, go_module, commit by header name; comments are skipped.
  theirs="$(awk -F'\t' '
    /^#/ || NF == 0 { next }
    !hdr { for (i = 1; i <= NF; i++) col[$i] = i; hdr = 1; next }
    { print $col["name"] "\t" $col["version"] "\t" $col["go_module"] "\t" $col["commit"] }
  ' "$shared" | sort)"
  if [[ "$theirs" != "$(sort <<<"$PROVIDERS_TSV")" ]]; then
    log "warning: $shared differs from the table in this script; building the script's table:"
    diff <(sort <<<"$PROVIDERS_TSV") <(printf '%s\n' "$theirs") | sed 's/^/    /' >&2 || true
  fi
}

platform() {
  local os arch
  os="$(go env GOOS)"; arch="$(go env GOARCH)"
  printf '%s_%s' "$os" "$arch"
}

binary_path() { # name version platform
  printf '%s/%s/%s/%s/%s/terraform-provider-%s_v%s' \
    "$MIRROR_DIR" "$NAMESPACE_DIR" "$1" "$2" "$3" "$1" "$2"
}

tarball_path() { printf '%s/terraform-provider-%s-%s.tar.gz' "$SRC_DIR" "$1" "$2"; }

# ---------------------------------------------------------------- config
write_tfrc() {
  local want tmp
  want="$(cat <<EOF
# Written by scripts/tools/tf-mirror.sh: install the providers only from the
# local filesystem mirror built from source (no registry access).
disable_checkpoint = true

provider_installation {
  filesystem_mirror {
    path    = "$MIRROR_DIR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
)"
  mkdir -p "$CACHE_DIR"
  if [[ -f "$TFRC" && "$(cat "$TFRC")" == "$want" ]]; then
    return 1 # unchanged
  fi
  tmp="$(mktemp "$TFRC.XXXXXX")"
  printf '%s\n' "$want" >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$TFRC"
}

# ---------------------------------------------------------------- build
GO_LOG=""
go_env() {
  # -mod=mod: let a tarball's build add a go.sum line it lacks rather than fail.
  env CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" "$@"
}

ldflags_for() { # name version module
  # Each provider reads its version from one of these; -X of an absent symbol is a no-op.
  printf -- '-s -w -X main.Version=%s -X main.version=%s -X %s/version.ProviderVersion=%s' \
    "$2" "$2" "$3" "$2"
}

build_from_proxy() { # name version module commit outdir
  local name="$1" version="$2" module="$3" commit="$4" out="$5"
  go_env GOBIN="$out" go install -trimpath -ldflags="$(ldflags_for "$name" "$version" "$module")" \
    "$module@$commit" >>"$GO_LOG" 2>&1 || return 1
  [[ -x "$out/${module##*/}" ]] || return 1
  mv "$out/${module##*/}" "$out/terraform-provider-$name"
}

build_from_tarball() { # name version module commit outdir workdir
  local name="$1" version="$2" module="$3" commit="$4" out="$5" work="$6"
  local tarball src got
  tarball="$(tarball_path "$name" "$version")"
  if [[ ! -f "$tarball" ]]; then
    echo "no source tarball at $tarball" >>"$GO_LOG"
    return 1
  fi
  if [[ -f "$SRC_DIR/SHA256SUMS" ]]; then
    if ! (cd "$SRC_DIR" && grep -F " ${tarball##*/}" SHA256SUMS | sha256sum --check --status --strict); then
      echo "checksum mismatch or missing entry for ${tarball##*/} in $SRC_DIR/SHA256SUMS" >>"$GO_LOG"
      return 1
    fi
  fi
  mkdir -p "$work/src"
  tar -xzf "$tarball" -C "$work/src"
  src="$work/src/terraform-provider-$name-$version"
  [[ -f "$src/go.mod" ]] || { echo "$tarball has no terraform-provider-$name-$version/go.mod" >>"$GO_LOG"; return 1; }
  got="$(awk '$1 == "module" { print $2; exit }' "$src/go.mod")"
  [[ "$got" == "$module" ]] || { echo "$tarball: go.mod says module $got, expected $module" >>"$GO_LOG"; return 1; }
  grep -qx "$commit" "$src/.source-commit" 2>/dev/null ||
    { echo "$tarball: .source-commit does not name $commit" >>"$GO_LOG"; return 1; }
  (cd "$src" && go_env go build -trimpath -ldflags="$(ldflags_for "$name" "$version" "$module")" \
    -o "$out/terraform-provider-$name" .) >>"$GO_LOG" 2>&1
}

build_one() { # name version module commit dest -> sets BUILT_FROM
  local name="$1" version="$2" module="$3" commit="$4" dest="$5" work out
  work="$(mktemp -d "${TMPDIR:-/tmp}/afpi-tf-$name.XXXXXX")"
  out="$work/bin"; mkdir -p "$out"
  GO_LOG="$work/go.log"; : >"$GO_LOG"
  BUILT_FROM=""
  if [[ "$BUILD_FROM" == auto || "$BUILD_FROM" == proxy ]]; then
    echo "\$ GOBIN=$out go install -trimpath $module@$commit" >>"$GO_LOG"
    if build_from_proxy "$name" "$version" "$module" "$commit" "$out"; then
      BUILT_FROM="module proxy"
    elif [[ "$BUILD_FROM" == auto ]]; then
      if grep -q -e 'This module version is not available' -e '403 Forbidden' -e '404 Not Found' -e '410 Gone' "$GO_LOG"; then
        log "$name $version: the module proxy does not serve $module@${commit:0:12}; building the source tarball"
      else
        log "$name $version: go install through the module proxy failed; trying the source tarball"
        sed 's/^/    /' "$GO_LOG" >&2
      fi
    fi
  fi
  if [[ -z "$BUILT_FROM" && ( "$BUILD_FROM" == auto || "$BUILD_FROM" == src ) ]]; then
    echo "\$ go build $(tarball_path "$name" "$version")" >>"$GO_LOG"
    if build_from_tarball "$name" "$version" "$module" "$commit" "$out" "$work"; then
      BUILT_FROM="source tarball"
    fi
  fi
  if [[ -z "$BUILT_FROM" ]]; then
    {
      printf '%s: error: could not build terraform-provider-%s %s (AFPI_TF_BUILD_FROM=%s). Go output:\n' \
        "$SELF" "$name" "$version" "$BUILD_FROM"
      sed 's/^/    /' "$GO_LOG"
    } >&2
    rm -rf "$work"
    return 1
  fi
  mkdir -p "$(dirname "$dest")"
  install -m 0755 "$out/terraform-provider-$name" "$dest.partial"
  mv -f "$dest.partial" "$dest"
  # Go's module cache is read-only; chmod so that rm -rf works on the temp dir.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}

# ---------------------------------------------------------------- pack
pack_sources() { # dir-with-git-clones
  local root="$1" name version module commit repo cand out tmp
  [[ -d "$root" ]] || die "--pack-sources: no directory $root"
  mkdir -p "$SRC_DIR"
  while IFS=$'\t' read -r name version module commit; do
    repo=""
    for cand in "$root/hashicorp+terraform-provider-$name/repo" "$root/terraform-provider-$name" \
      "$root/terraform-provider-$name/.git"; do
      if git -C "$cand" cat-file -e "$commit^{commit}" 2>/dev/null; then repo="$cand"; break; fi
    done
    [[ -n "$repo" ]] || die "--pack-sources: no git clone with commit $commit for $name under $root"
    out="$(tarball_path "$name" "$version")"
    tmp="$(mktemp -d)"
    mkdir -p "$tmp/terraform-provider-$name-$version"
    # Only what `go build` needs: no tests, test data, docs or examples. (A temp
    # index + checkout-index rather than `git archive`, which insists on reading
    # every blob, and a partial clone may lack some large test-data blobs.)
    (
      export GIT_INDEX_FILE="$tmp/index"
      g=(git --git-dir="$(git -C "$repo" rev-parse --absolute-git-dir)" --work-tree="$tmp/terraform-provider-$name-$version")
      cd "$tmp/terraform-provider-$name-$version"
      "${g[@]}" read-tree "$commit"
      "${g[@]}" ls-files -z -- . \
        ':(exclude,glob)**/*_test.go' ':(exclude,glob)**/testdata/**' \
        ':(exclude)website' ':(exclude)docs' ':(exclude)examples' ':(exclude)_examples' \
        ':(exclude).github' ':(exclude).changelog' ':(exclude,glob)CHANGELOG*' |
        "${g[@]}" checkout-index -z --stdin
    )
    rm -f "$tmp/index"
    printf '%s\n' "$commit" >"$tmp/terraform-provider-$name-$version/.source-commit"
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00:00Z' \
      -C "$tmp" -cf - "terraform-provider-$name-$version" | gzip -9n >"$out.partial"
    mv -f "$out.partial" "$out"
    rm -rf "$tmp"
    log "packed $name $version ($commit) from $repo -> $out ($(du -h "$out" | cut -f1))"
  done <<<"$PROVIDERS_TSV"
  (cd "$SRC_DIR" && sha256sum terraform-provider-*.tar.gz >SHA256SUMS)
  log "wrote $SRC_DIR/SHA256SUMS"
}

# ---------------------------------------------------------------- main
main() {
  local mode=build
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --print-config) mode=print ;;
      --check) mode=check ;;
      --pack-sources)
        [[ $# -ge 2 ]] || die "--pack-sources needs a directory"
        mode=pack; PACK_ROOT="$2"; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage; die "unknown argument: $1" ;;
    esac
    shift
  done
  case "$BUILD_FROM" in auto | proxy | src) ;; *) die "AFPI_TF_BUILD_FROM must be auto, proxy or src (got: $BUILD_FROM)" ;; esac

  if [[ "$mode" == print ]]; then
    write_tfrc || true
    printf '%s\n' "$TFRC"
    return 0
  fi
  if [[ "$mode" == pack ]]; then
    pack_sources "$PACK_ROOT"
    return 0
  fi

  command -v go >/dev/null 2>&1 || [[ ! -x /usr/local/go/bin/go ]] || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null 2>&1 || die "go is not on PATH (needed to build the providers)"

  local start plat name version module commit dest missing=0 t0 built=0 cached=0
  start="$(now)"
  plat="$(platform)"

  if [[ "$mode" == check ]]; then
    while IFS=$'\t' read -r name version module commit; do
      dest="$(binary_path "$name" "$version" "$plat")"
      if [[ -x "$dest" ]]; then log "ok: $dest"; else log "missing: $dest"; missing=1; fi
    done <<<"$PROVIDERS_TSV"
    [[ "$missing" == 0 ]] || die "the mirror is incomplete; run scripts/tools/tf-mirror.sh"
    printf '%s\n' "$TFRC"
    return 0
  fi

  compare_shared_table
  mkdir -p "$MIRROR_DIR"
  # One build at a time per cache dir (a second caller waits, then finds the cache).
  exec 9>"$CACHE_DIR/.tf-mirror.lock"
  if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
    log "another tf-mirror.sh is building into $CACHE_DIR; waiting for it"
    flock 9
  fi

  while IFS=$'\t' read -r name version module commit; do
    dest="$(binary_path "$name" "$version" "$plat")"
    if [[ -x "$dest" ]]; then
      cached=$((cached + 1))
      continue
    fi
    log "building terraform-provider-$name $version ($module@${commit:0:12}) ..."
    t0="$(now)"
    build_one "$name" "$version" "$module" "$commit" "$dest"
    log "built terraform-provider-$name $version from the $BUILT_FROM in $(elapsed "$t0")s ($(du -h "$dest" | cut -f1))"
    built=$((built + 1))
  done <<<"$PROVIDERS_TSV"

  if write_tfrc; then log "wrote $TFRC"; fi
  log "mirror $MIRROR_DIR: $built built, $cached cached, $(elapsed "$start")s"
  printf '%s\n' "$TFRC"
}

main "$@"
