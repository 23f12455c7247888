#!/usr/bin/env bash
# Build the image with podman on this kind of machine: no Docker Hub, a local folder of
# torch wheels, and pip's CA bundle passed as build-time mounts (never baked in).
# Usage: bash scripts/container-build.sh [tag]      (default tag: localhost/hoidoan:test)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/podman-setup.sh
export CONTAINERS_CONF="$PWD/deploy/podman/containers.conf"
export CONTAINERS_STORAGE_CONF="$PWD/deploy/podman/storage.conf"
tag=${1:-localhost/hoidoan:test}
mounts=()
wheels=${PIP_FIND_LINKS:-/opt/wheels}
args=()
if [ -d "$wheels" ]; then
  mounts+=(-v "$wheels:/wheels:ro")
  # The CPU torch wheel is in that folder: PyTorch's index is not needed (nor reachable here).
  compgen -G "$wheels/torch-2.13.0+cpu-*.whl" >/dev/null && args+=(--build-arg TORCH_INDEX=)
fi
cert=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
if [ -f "$cert" ]; then
  mounts+=(-v "$cert:/run/host-ca.crt:ro")
  args+=(--build-arg PIP_CERT=/run/host-ca.crt)
fi
podman build --format docker --network host "${mounts[@]}" "${args[@]}" -t "$tag" .
