#!/usr/bin/env bash
# Regenerates package-lock.json from package.json alone, for every platform: run it after changing
# dependencies and after merging branches that did (resolve package.json, then run this; never
# hand-merge the lock). npm resolves in an empty directory, with no node_modules whose platform
# could narrow the tree, so the lock lists every platform's optional packages (@duckdb/node-bindings-*,
# @swc/core-*, @esbuild/*) and `npm ci` accepts it on Linux, macOS and Windows alike. It runs on the
# project's Node 24 and its npm; `bash scripts/setup.sh` afterwards installs from the new lock.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/node-path.sh

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
(cd "$work" && npm install --package-lock-only --no-audit --no-fund --loglevel=error)

# Every optional package the tree names must have its own entry, or `npm ci` refuses the lock.
node -e '
  const lock = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const missing = [];
  for (const [at, pkg] of Object.entries(lock.packages)) {
    for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
      let dir = at;
      for (;;) {
        if (lock.packages[(dir ? dir + "/" : "") + "node_modules/" + name]) break;
        if (!dir) { missing.push(`${name} (for ${at || "the project"})`); break; }
        dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : "";
      }
    }
  }
  if (missing.length) { console.error("lock: missing from the lock file:\n  " + missing.join("\n  ")); process.exit(1); }
' "$work/package-lock.json"

cp "$work/package-lock.json" package-lock.json
echo "lock: package-lock.json regenerated ($(node -p 'Object.keys(require("./package-lock.json").packages).length - 1') packages, every platform's optional ones included)"
