#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the embedded local stack on Node 24.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/node-path.sh
npm run --silent build
# `gcaudit up` is the worker process here: the worker's V8 flags and malloc settings (src/worker/node-flags.ts).
flags=$(node -p "require('./dist/src/worker/node-flags.js').WORKER_NODE_FLAGS.join(' ')")
env=$(node -p "Object.entries(require('./dist/src/worker/node-flags.js').WORKER_ENV).map(([k, v]) => k + '=' + v).join(' ')")
# shellcheck disable=SC2086 # flags and assignments are words
exec env $env node $flags dist/src/client/cli.js up "$@"
