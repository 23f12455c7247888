#!/usr/bin/env bash
# Set up (if needed) and run every check: ruff, mypy, then the test suite.
#   bash scripts/test.sh          the whole suite (what CI runs)
#   bash scripts/test.sh --fast   ruff, mypy and the tests that start no process, server or
#                                 container and need no PostgreSQL (tests/conftest.py), ~1 minute
# The storage suite also runs against PostgreSQL (HOIDOAN_TEST_POSTGRES_URL, default
# postgres@127.0.0.1:5432/test); it is started here if this machine has it but it is down.
set -euo pipefail
cd "$(dirname "$0")/.."
FAST=0
if [ "${1:-}" = "--fast" ]; then FAST=1; shift; fi
bash scripts/setup.sh

# Headless Chromium and the fonts a phone has, for the test that renders replies to PNG
# (tests/telegram/test_preview.py, scripts/reply_screens.py); installed when we are root.
PREVIEW_PACKAGES=(chromium-headless-shell fonts-dejavu-core fonts-noto-color-emoji)
if [ "$FAST" = 0 ] && ! command -v chromium-headless-shell >/dev/null && ! command -v chromium >/dev/null; then
  . scripts/debian.sh
  debian_install "the reply preview test" "${PREVIEW_PACKAGES[@]}"
fi

if [ "$FAST" = 0 ] && command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "==> PostgreSQL is not running; starting it"
  (pg_ctlcluster 15 main start || service postgresql start) >/dev/null 2>&1 || true
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

echo "==> ruff"
.venv/bin/ruff check bot tests bench
echo "==> mypy"
.venv/bin/mypy
echo "==> pytest"
if [ "$FAST" = 1 ]; then
  .venv/bin/python -m pytest -q -m "not integration" "$@"
else
  .venv/bin/python -m pytest -q "$@"
fi
