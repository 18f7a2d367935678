#!/usr/bin/env bash
# Install npm dependencies when this clone has none yet (a fresh clone), so the
# README's commands work as the first thing run. Quiet when they are present.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ ! -d node_modules/.bin || ! -e node_modules/.bin/turbo ]]; then
  echo "ensure-deps: installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund
fi
