#!/usr/bin/env bash
# Puts Redis's upstream source tarball into the cache dir and prints its path (CI calls this
# before the build tests). Idempotent: a cached tarball with the right sha256 is used as it is.
#
#   scripts/fetch-redis-source.sh [VERSION] [SHA256]
#   env: PLAYGRAPH_CACHE (default /var/cache/playgraph), REDIS_VERSION, REDIS_SHA256,
#        PLAYGRAPH_FETCH_METHODS (default "apt pool": the order of places to try)
#
# Places, in order:
#   apt   `apt-get source --download-only redis` through a PRIVATE apt setup (its own deb-src list
#         and lists dir under the cache): the system's sources and lists are never touched, so a
#         missing deb-src entry is added without any chance of breaking the host's apt.
#   pool  the Debian pool URL of the same upstream tarball, with a 5 s connect timeout.
# download.redis.io is not tried here: CI machines reach only Debian's archive and npm.
set -euo pipefail

version="${1:-${REDIS_VERSION:-7.0.15}}"
want="${2:-${REDIS_SHA256:-}}"
cache="${PLAYGRAPH_CACHE:-/var/cache/playgraph}"
methods="${PLAYGRAPH_FETCH_METHODS:-apt pool}"
mirror="http://deb.debian.org/debian"
name="redis_${version}.orig.tar.gz"
dest="$cache/$name"

# Known digests of upstream tarballs (the same bytes as download.redis.io's release).
if [ -z "$want" ] && [ "$version" = "7.0.15" ]; then
  want=4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982
fi

log() { echo "fetch-redis-source: $*" >&2; }

# A sound gzip stream, with the wanted digest when one is known.
verify() {
  gzip -t "$1" 2>/dev/null || { log "$1 is not a gzip file"; return 1; }
  [ -z "$want" ] && return 0
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$got" = "$want" ] || { log "$1: sha256 $got, want $want"; return 1; }
}

if [ -f "$dest" ] && verify "$dest"; then
  echo "$dest"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fetch_apt() {
  command -v apt-get >/dev/null || { log "apt: no apt-get"; return 1; }
  local codename
  codename="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
  [ -n "$codename" ] || { log "apt: no VERSION_CODENAME in /etc/os-release"; return 1; }
  local apt_dir="$work/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/parts"
  printf 'deb-src %s %s main\n' "$mirror" "$codename" >"$apt_dir/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir" -o "APT::Sandbox::User=$(id -un)"
    -o "Acquire::http::Timeout=5"
  )
  apt-get "${opts[@]}" -qq update >&2 || { log "apt: update of the private deb-src list failed"; return 1; }
  (cd "$work" && apt-get "${opts[@]}" -qq source --download-only redis >&2) || { log "apt: apt-get source failed"; return 1; }
  [ -f "$work/$name" ] || { log "apt: the source package's tarball is not $name (another version?)"; return 1; }
}

fetch_pool() {
  local url="$mirror/pool/main/r/redis/$name"
  if command -v curl >/dev/null; then
    curl -fsSL --connect-timeout 5 -o "$work/$name" "$url" || { log "pool: curl $url failed"; return 1; }
  elif command -v wget >/dev/null; then
    wget -q --connect-timeout=5 --tries=1 -O "$work/$name" "$url" || { log "pool: wget $url failed"; return 1; }
  else
    log "pool: neither curl nor wget"
    return 1
  fi
}

for method in $methods; do
  rm -f "$work/$name"
  if "fetch_$method" && verify "$work/$name"; then
    mv -f "$work/$name" "$dest" # same filesystem: an atomic rename, never a half-written cache file
    log "got $name via $method"
    echo "$dest"
    exit 0
  fi
done
log "no place gave $name (tried: $methods)"
exit 1
