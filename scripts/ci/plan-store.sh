#!/usr/bin/env bash
# Prints the state-bucket folder that carries this run's saved plans from the plan job to the apply job:
# gs://<state bucket>/plans/<env>/<run id>/ (plans hold secrets: same protection as state). Without the attempt
# number, so a re-run of the apply job alone finds the plans its run reviewed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bucket=$(node -e "console.log(require('./cdktf.out/stacks/network/cdk.tf.json').terraform.backend.gcs.bucket)")
echo "gs://$bucket/plans/$AFPI_ENV/$GITHUB_RUN_ID/"
