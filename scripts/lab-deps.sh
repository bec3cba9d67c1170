#!/usr/bin/env bash
# Installs what the multi-host lab (test/lab/) needs on a Debian/Ubuntu machine: sshd and the ssh
# client tools (ssh-keygen), ip (netns, veth, bridge), sudo (become), unshare/mount, ps (tests).
# Idempotent and quiet: apt-get update only runs when something is missing.
# Usage: scripts/lab-deps.sh [--with-ansible]   (ansible only for the benchmarks)
set -euo pipefail

# gcc, make, libc6-dev and curl: the tests build Redis from source on the lab hosts; unzip: unarchive
# unpacks zip archives there.
packages=(openssh-server openssh-client iproute2 sudo util-linux mount procps gcc make libc6-dev curl unzip)
if [[ "${1:-}" == "--with-ansible" ]]; then packages+=(ansible); fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} == 0)); then exit 0; fi

if [[ $(id -u) -ne 0 ]]; then
  echo "lab-deps: missing ${missing[*]}; run as root (sudo $0 $*)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "lab-deps: installed ${missing[*]}" >&2
