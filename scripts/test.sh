#!/usr/bin/env bash
# Run the test suites of every workspace package against a real ZooKeeper.
#
#   bash scripts/test.sh            pass 1 "parallel": every package's *.test.ts (except
#                                   *.serial/*.faults) via turbo, 2 packages at a time;
#                                   pass 2 "serial": *.serial.test.ts, one package and
#                                   one file at a time
#   bash scripts/test.sh --faults   pass "faults": *.faults.test.ts, serially
#
# Each vitest run writes JSON to $ZOOKIT_RESULTS_DIR (default .test-results/) as
# <package-dir>-<pass>.json (see vitest.shared.ts); scripts/summarize.mjs prints the
# failures and a last line "N passed, N failed". Keeps going after a failing pass and
# exits non-zero if anything failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=default
case "${1:-}" in
  "") ;;
  --faults) mode=faults ;;
  *) echo "usage: $0 [--faults]" >&2; exit 2 ;;
esac

export ZOOKIT_RESULTS_DIR="${ZOOKIT_RESULTS_DIR:-$root/.test-results}"
mkdir -p "$ZOOKIT_RESULTS_DIR"
status=0

bash scripts/ensure-deps.sh || status=1
bash scripts/ensure-zookeeper.sh || status=1
npx turbo run build --output-logs=errors-only || status=1
# Sources and tests type-check (strict) before anything runs.
npx turbo run typecheck --output-logs=errors-only || status=1

# Packages with a vitest config, as "<dir>" lines (packages/*, examples/*, bench).
mapfile -t pkg_dirs < <(for d in packages/* examples/* bench; do
  [[ -f "$d/package.json" ]] && ls "$d"/vitest.config.* >/dev/null 2>&1 && echo "$d"
done)

result_file() { echo "$ZOOKIT_RESULTS_DIR/$(basename "$1")-$2.json"; }

# Run one pass one package at a time, only in packages that have matching files.
run_serially() {
  local pass="$1" pattern="$2" runs="$ZOOKIT_RESULTS_DIR/$1.runs"
  : >"$runs"
  for d in "${pkg_dirs[@]}"; do
    if [[ -z "$(find "$d/test" -name "$pattern" -print -quit 2>/dev/null)" ]]; then continue; fi
    echo "── $pass: $d"
    (cd "$d" && ZOOKIT_TEST_PASS="$pass" npx vitest run --no-file-parallelism)
    local rc=$?
    printf '%s\t%s\t%s\n' "$d:$pass" "$rc" "$(result_file "$d" "$pass")" >>"$runs"
    (( rc == 0 )) || status=1
  done
}

if [[ "$mode" == default ]]; then
  rm -f "$ZOOKIT_RESULTS_DIR"/*-parallel.json "$ZOOKIT_RESULTS_DIR"/*-serial.json \
        "$ZOOKIT_RESULTS_DIR"/parallel.runs "$ZOOKIT_RESULTS_DIR"/serial.runs

  echo "── parallel: all packages (turbo, concurrency 2)"
  ZOOKIT_TEST_PASS=parallel npx turbo run test --concurrency=2 --continue
  rc=$?
  expected=()
  for d in "${pkg_dirs[@]}"; do expected+=("$(result_file "$d" parallel)"); done
  (IFS=,; printf '%s\t%s\t%s\n' "turbo test (parallel)" "$rc" "${expected[*]}") >"$ZOOKIT_RESULTS_DIR/parallel.runs"
  (( rc == 0 )) || status=1

  run_serially serial '*.serial.test.ts'
  node scripts/summarize.mjs --passes parallel,serial || status=1
else
  rm -f "$ZOOKIT_RESULTS_DIR"/*-faults.json "$ZOOKIT_RESULTS_DIR"/faults.runs
  run_serially faults '*.faults.test.ts'
  node scripts/summarize.mjs --passes faults || status=1
fi

exit "$status"
