#!/usr/bin/env bash
# Fails, naming the files, when the work tree differs from the last commit: run after setup and the
# tests (.ci/run), which must leave every tracked file as committed (the lock file included) and
# add nothing that .gitignore does not cover. Silent when clean, so the test runner's summary
# stays the run's last lines.
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
changed="$(git status --porcelain)"
if [ -n "$changed" ]; then
  echo "FAILED: setup or the tests changed the work tree (commit the change, or fix what writes it):" >&2
  printf '%s\n' "$changed" | sed 's/^/  /' >&2
  exit 1
fi
