#!/usr/bin/env bash
# npm run lint: ESLint with type-aware rules (lost promises, dead code) and the layering
# rule (imports point down), then knip (unused exports, files and dependencies).
# The tools live in tools/lint with their own lockfile: typescript-eslint needs the
# TypeScript 5 JS API, while the workspace builds with TypeScript 7 (no JS API).
# Exits non-zero on any violation. Usage: bash scripts/lint.sh [eslint args...]
set -uo pipefail
cd "$(dirname "$0")/.."

tools=tools/lint
if [ ! -f "$tools/node_modules/.package-lock.json" ] || [ "$tools/package-lock.json" -nt "$tools/node_modules/.package-lock.json" ]; then
  npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error || exit 2
fi
# Type-aware rules read the packages' declarations (dist/*.d.ts) where code imports a package by name.
npx turbo run build --output-logs=errors-only || { echo "lint: the build failed" >&2; exit 2; }

status=0
echo "── the layering rule's own tests"
node --test "$tools/rules/" || status=1
echo "── eslint"
shopt -s nullglob
targets=(packages/*/src packages/*/test packages/*/scripts packages/*/vitest.config.ts examples bench scripts test-support vitest.*.ts)
node "$tools/node_modules/eslint/bin/eslint.js" --config "$tools/eslint.config.js" --max-warnings 0 "${targets[@]}" "$@" || status=1
echo "── knip (unused exports, files, dependencies)"
node "$tools/node_modules/knip/bin/knip.js" --config "$tools/knip.json" --no-progress --no-config-hints || status=1
[ "$status" -eq 0 ] && echo "lint: clean"
exit "$status"
