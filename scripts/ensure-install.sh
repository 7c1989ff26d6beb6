#!/usr/bin/env bash
# Installs the project's npm dependencies (Node 24 among them) when they are missing or stale.
# Runs before every npm script, so each README command does its own setup on a fresh machine.
# It installs with `npm ci`: exactly what package-lock.json lists, and it never rewrites a tracked
# file (`npm install` may rewrite the lock file). Its postinstall applies patches/ (patch-package), so a
# newer patch reinstalls too.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ -x node_modules/.bin/node ] && [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] &&
  [ -z "$(find patches -newer "$stamp" 2>/dev/null)" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is not installed: install Node.js with npm (any version >= 18); the project brings Node 24 itself" >&2
  exit 1
fi
echo "installing npm dependencies with npm ci (first run, or package-lock.json changed)..." >&2
export SCARF_ANALYTICS=false
npm ci --no-audit --no-fund >&2
