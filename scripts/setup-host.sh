#!/usr/bin/env bash
# Installs the real components Flotilla's integration tests run against, from
# Debian's packages: etcd, the Docker engine, a busybox rootfs for test images,
# iptables / nftables / iproute2 / ipvsadm, chromium (the dashboard's browser
# tests drive it through playwright-core). Idempotent; needs root.
# It only installs: each test suite starts the daemons it needs itself.
set -euo pipefail

need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v iptables-legacy-restore >/dev/null || need+=(iptables)
command -v nft >/dev/null || need+=(nftables)
command -v ip >/dev/null || need+=(iproute2)
command -v ipvsadm >/dev/null || need+=(ipvsadm)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-host: missing ${need[*]}; run as root (or install them: apt-get install ${need[*]})" >&2
    exit 1
  fi
  echo "setup-host: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "setup-host: etcd $(etcd --version | head -1 | awk '{print $3}'), $(dockerd --version), $(nft --version)"
