#!/usr/bin/env bash
# A Docker engine for the container test pass, on a fresh Debian machine (root).
#
#   bash scripts/docker-engine.sh start   install docker.io and debootstrap if missing, start
#                                         dockerd unless an engine answers, build the ZooKeeper
#                                         image unless it is there (scripts/zookeeper-image.sh)
#   bash scripts/docker-engine.sh stop    remove leftover test containers and stop dockerd,
#                                         only if `start` started it
#
# dockerd runs with --bridge=none --iptables=false: containers use the host's network
# (the harness puts ZooKeeper on a loopback port), and nothing touches the firewall.
# Its log is .cache/dockerd.log; the pid of a dockerd we started is .cache/dockerd.pid.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/.cache"
pidfile="$root/.cache/dockerd.pid"

engine_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

start() {
  local pkgs=()
  command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || pkgs+=(debootstrap)
  if (( ${#pkgs[@]} )); then
    echo "docker-engine: installing ${pkgs[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
  if ! engine_up; then
    echo "docker-engine: starting dockerd --bridge=none --iptables=false" >&2
    nohup dockerd --bridge=none --iptables=false --ip6tables=false >"$root/.cache/dockerd.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 60); do engine_up && break; sleep 0.5; done
    engine_up || { echo "docker-engine: dockerd did not answer in 30 s:" >&2; tail -20 "$root/.cache/dockerd.log" >&2; exit 1; }
  fi
  bash "$root/scripts/zookeeper-image.sh"
}

stop() {
  if engine_up; then
    local ids
    ids="$(docker ps -aq --filter label=org.testcontainers=true)"
    if [[ -n "$ids" ]]; then docker rm -f $ids >/dev/null || true; fi
  fi
  [[ -f "$pidfile" ]] || return 0
  local pid
  pid="$(cat "$pidfile")"
  rm -f "$pidfile"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
