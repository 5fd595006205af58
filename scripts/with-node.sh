#!/usr/bin/env bash
# Runs a command on the project's Node 24 after setup: `bash scripts/with-node.sh [--build] node bench/x.ts`.
# --build compiles first (npm run build), for what runs the worker from dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/node-path.sh
if [ "${1:-}" = "--build" ]; then
  shift
  npm run --silent build
fi
exec "$@"
