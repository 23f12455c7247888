#!/usr/bin/env bash
# Make `podman build` of the Dockerfile work on a machine that cannot reach Docker Hub:
# install podman (Debian), use the settings in deploy/podman/, and build a local stand-in
# for python:3.11-slim from a debootstrapped Debian bookworm. Idempotent; run as root.
# Elsewhere, plain `docker build .` needs none of this.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/podman/containers.conf"
export CONTAINERS_STORAGE_CONF="$PWD/deploy/podman/storage.conf"

missing=()
for tool in podman runc debootstrap slirp4netns newuidmap; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing podman and friends (missing: ${missing[*]})"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap uidmap slirp4netns >/dev/null
fi

if ! podman image exists docker.io/library/python:3.11-slim; then
  if ! podman image exists localhost/debian-bookworm-minbase; then
    echo "==> debootstrap Debian bookworm (minbase)"
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
    tar -C "$rootfs" -c . | podman import - localhost/debian-bookworm-minbase >/dev/null
    rm -rf "$rootfs"
  fi
  echo "==> Building a local python:3.11-slim stand-in"
  podman build -q -t docker.io/library/python:3.11-slim -f deploy/podman/python-slim.Containerfile deploy/podman
fi
echo "podman ready: $(podman --version)"
