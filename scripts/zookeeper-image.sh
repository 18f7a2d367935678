#!/usr/bin/env bash
# Build a ZooKeeper container image from Debian's packages, for @zookit/testing's container
# path on machines that cannot pull from Docker Hub (with Hub access, use the official
# `zookeeper` image instead; see docs/testing.md).
#
#   bash scripts/zookeeper-image.sh [image]   (default: $ZOOKIT_ZOOKEEPER_IMAGE or zookit/zookeeper:3.8-debian)
#
# debootstrap --variant=minbase of the host's Debian suite, `apt-get install zookeeper`
# inside it, then `docker import`. Does nothing when the image is already there (CI cache).
# Needs root, a running Docker engine, debootstrap and a reachable Debian mirror
# (ZOOKIT_DEBIAN_MIRROR, default: the host's first deb.debian.org-style URI).
set -euo pipefail

image="${1:-${ZOOKIT_ZOOKEEPER_IMAGE:-zookit/zookeeper:3.8-debian}}"
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi

command -v debootstrap >/dev/null || { echo "zookeeper-image: debootstrap is not installed" >&2; exit 1; }
[[ "$(id -u)" == 0 ]] || { echo "zookeeper-image: must run as root (debootstrap, chroot)" >&2; exit 1; }

suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
mirror="${ZOOKIT_DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  mirror="$(grep -hoE '^(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
    | head -1 | awk '{print $2}' || true)"
  mirror="${mirror:-http://deb.debian.org/debian}"
fi

root="$(mktemp -d /tmp/zookit-zk-rootfs.XXXXXX)"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT

echo "zookeeper-image: debootstrap $suite from $mirror (minbase)" >&2
# Reuse the host's downloaded .debs when there are any.
cache=()
if [[ -d /var/cache/apt/archives ]]; then cache=(--cache-dir=/var/cache/apt/archives); fi
debootstrap --variant=minbase "${cache[@]}" "$suite" "$root" "$mirror" >/tmp/zookit-zk-image.log 2>&1 \
  || { tail -20 /tmp/zookit-zk-image.log >&2; exit 1; }

echo "zookeeper-image: apt-get install zookeeper" >&2
mount -t proc proc "$root/proc"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>/tmp/zookit-zk-image.log 2>&1
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends zookeeper \
  >>/tmp/zookit-zk-image.log 2>&1 || { tail -20 /tmp/zookit-zk-image.log >&2; exit 1; }
chroot "$root" apt-get clean
umount "$root/proc"
rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root/usr/sbin/policy-rc.d"

echo "zookeeper-image: docker import $image" >&2
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/share/zookeeper/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV ZOO_LOG4J_PROP=INFO,CONSOLE' \
  --change 'CMD ["zkServer.sh", "start-foreground"]' \
  - "$image" >/dev/null
docker image inspect "$image" --format 'zookeeper-image: built {{.Id}} ({{.Size}} bytes)' >&2
