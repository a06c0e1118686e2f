#!/usr/bin/env bash
# Runs the project's pinned cdktf CLI with the project's Terraform CLI config and no version checkpoint
# (telemetry), from the repository root: scripts/cdktf.sh diff network, scripts/cdktf.sh synth --hcl, ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE="$PWD/terraform.rc"
exec node_modules/.bin/cdktf "$@"
