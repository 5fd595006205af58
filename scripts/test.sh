#!/usr/bin/env bash
# The README's test command: install what is missing (Node 24 too, where the machine's is older),
# type-check and build, lint, then run every test on Node 24 against real servers that the harness
# starts (and stops) unless TEMPORAL_ADDRESS / S3_ENDPOINT point at existing ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/node-path.sh
npm run --silent build
npm run --silent lint
exec node --import tsx test/harness/run.ts "$@"
