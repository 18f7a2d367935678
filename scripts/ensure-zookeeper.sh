#!/usr/bin/env bash
# Make sure this machine can run the test suites: a local ZooKeeper (Debian's
# `zookeeper` package, which pulls a headless JRE) unless ZOOKEEPER_HOME or
# ZOOKEEPER_CONNECT is set, plus the interop/bench peers (python3-kazoo and the Curator
# jars), iproute2 for the network-namespace partition tests, openssl for TLS test
# certificates and chromium for the web console's browser tests. Idempotent; prints
# nothing when everything is present.
#
#   ZOOKIT_PEERS=0   skip the kazoo/Curator packages
set -euo pipefail

apt_pkgs=()

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

need_local_zk=1
if [[ -n "${ZOOKEEPER_CONNECT:-}" || -n "${ZOOKEEPER_HOME:-}" ]]; then need_local_zk=0; fi

if (( need_local_zk )) && [[ ! -f /usr/share/java/zookeeper.jar ]]; then
  apt_pkgs+=(zookeeper)
fi
if (( need_local_zk )) && ! command -v java >/dev/null 2>&1 && [[ ! -x "${JAVA_HOME:-/nonexistent}/bin/java" ]]; then
  apt_pkgs+=(default-jre-headless)
fi
if [[ "${ZOOKIT_PEERS:-1}" != "0" ]] && command -v dpkg-query >/dev/null 2>&1; then
  for p in python3-kazoo libcurator-framework-java libcurator-recipes-java libcurator-discovery-java; do
    have_pkg "$p" || apt_pkgs+=("$p")
  done
fi

# The network-partition suites (startEnsemble({ network: 'namespaces' })) need `ip netns`.
if ! command -v ip >/dev/null 2>&1 && [[ ! -x /usr/sbin/ip && ! -x /sbin/ip ]]; then
  apt_pkgs+=(iproute2)
fi

# openssl: throw-away TLS certificates for the TLS tests (@zookit/testing generateTlsMaterial).
if ! command -v openssl >/dev/null 2>&1; then apt_pkgs+=(openssl); fi
# chromium: the browser of the `zk ui` tests (driven headless by playwright-core; no browser download).
if [[ ! -x /usr/bin/chromium ]]; then apt_pkgs+=(chromium); fi

if (( ${#apt_pkgs[@]} == 0 )); then exit 0; fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-zookeeper: missing ${apt_pkgs[*]} and apt-get is not available." >&2
  echo "  Set ZOOKEEPER_HOME to an unpacked Apache ZooKeeper release (and install Java)," >&2
  echo "  or ZOOKEEPER_CONNECT=host:port to use an existing ensemble." >&2
  exit 1
fi

sudo_cmd=()
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "ensure-zookeeper: need root (or sudo) to install: ${apt_pkgs[*]}" >&2
    exit 1
  fi
fi

echo "ensure-zookeeper: installing ${apt_pkgs[*]}" >&2
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null

if (( need_local_zk )); then
  [[ -f /usr/share/java/zookeeper.jar ]] || { echo "ensure-zookeeper: /usr/share/java/zookeeper.jar still missing" >&2; exit 1; }
  command -v java >/dev/null 2>&1 || [[ -x "${JAVA_HOME:-/nonexistent}/bin/java" ]] || { echo "ensure-zookeeper: java still missing" >&2; exit 1; }
fi
