#!/usr/bin/env bash
# Installs the project's npm dependencies (Node 24 among them) when they are missing or stale.
# Runs before every npm script, so each README command does its own setup on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ -x node_modules/.bin/node ] && [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: install Node.js with npm (any version >= 18); the project brings Node 24 itself" >&2
  exit 1
fi
echo "installing npm dependencies (first run, or package-lock.json changed)..." >&2
export SCARF_ANALYTICS=false
# `npm install` (not `npm ci`): npm 11.19's `npm ci` rejects lock files that leave out optional
# packages of other platforms (@swc/core-*, ...), even one it has just written itself. With a lock
# file present, `npm install` installs exactly the locked versions.
npm install --no-audit --no-fund >&2
