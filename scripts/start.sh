#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the embedded local stack on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/node-path.sh
npm run --silent build
exec node dist/src/client/cli.js up "$@"
