# Sourced by scripts/setup.sh and scripts/test.sh: Debian packages the project needs come
# from apt when we are root (as in CI and the Dockerfile's build stage); otherwise the one
# line to run is printed. The first argument says what they are for.
debian_install() {
  local what=$1
  shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing $* (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@") \
      >/dev/null || echo "WARNING: apt-get install failed; $what will not work until it is done"
  else
    echo "NOTE: $what needs: sudo apt-get install -y $*"
  fi
}
