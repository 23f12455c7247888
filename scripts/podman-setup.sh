#!/usr/bin/env bash
# Make `podman build` of the Dockerfile work on a machine that cannot reach Docker Hub:
# install podman (Debian), use the settings in deploy/podman/, and build a local stand-in
# for python:3.11-slim from a debootstrapped Debian bookworm. With `--stack`, also
# podman-compose and stand-ins for postgres:15 and caddy:2 from Debian's packages (what
# compose.yaml runs). Idempotent; run as root. Elsewhere, plain `docker build .` and
# `docker compose up` need none of this.
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

# The stand-ins carry a label with the hash of their recipe (the base's version below and
# their Containerfile), so a machine that kept older ones builds them again.
BASE_RECIPE=2  # bump when the debootstrap or slimming steps change
label() { podman image inspect --format '{{ index .Labels "io.hoidoan.recipe" }}' "$1" 2>/dev/null || true; }
recipe_of() { (echo "$BASE_RECIPE"; cat "$@") | sha256sum | cut -c1-16; }
recipe=$BASE_RECIPE
if [ "$(label localhost/debian-bookworm-minbase)" != "$recipe" ]; then
  echo "==> debootstrap Debian bookworm (minbase)"
  rootfs=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  # Slim like Docker Hub's debian images: no package cache, lists, manuals or translations,
  # now and for whatever is installed later (dpkg path excludes, apt's clean hook).
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/01-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
DPKG
  cat > "$rootfs/etc/apt/apt.conf.d/01-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Keep-Downloaded-Packages "false";
Acquire::Languages "none";
APT
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
         "$rootfs"/var/log/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  tar -C "$rootfs" -c . | podman import --change "LABEL io.hoidoan.recipe=$recipe" - \
    localhost/debian-bookworm-minbase >/dev/null
  rm -rf "$rootfs"
fi
standin() {  # image, Containerfile, extra files of its recipe
  local image=$1 file=$2
  local want
  want=$(recipe_of "$file" "${@:3}")
  if [ "$(label "$image")" != "$want" ]; then
    echo "==> Building a local $image stand-in"
    podman build -q --label "io.hoidoan.recipe=$want" -t "$image" -f "$file" deploy/podman >/dev/null
  fi
}
standin docker.io/library/python:3.11-slim deploy/podman/python-slim.Containerfile
if [ "${1:-}" = "--stack" ]; then
  command -v podman-compose >/dev/null || {
    echo "==> Installing podman-compose"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman-compose >/dev/null
  }
  standin docker.io/library/postgres:15 deploy/podman/postgres.Containerfile deploy/podman/postgres-entrypoint.sh
  standin docker.io/library/caddy:2 deploy/podman/caddy.Containerfile
fi
echo "podman ready: $(podman --version)"
