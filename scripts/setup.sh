#!/usr/bin/env bash
# Set up HoiDoan in this checkout: .venv, dependencies, the offline embedding model,
# and the index of knowledge/. Safe to run again (each step skips what is done).
#
# torch is pinned to the CPU build 2.13.0. On a machine whose pip does not already
# find that wheel, point pip at PyTorch's CPU index first, e.g.
#   export PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
set -euo pipefail
cd "$(dirname "$0")/.."

# System tools for reading real office files (bot/documents/readers.py): Tesseract with Vietnamese
# data (scans, photos) and antiword (.doc). Installed when we are root; otherwise the one
# line to run is printed, and such files are reported as unreadable until then.
SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-vie antiword)
missing=()
command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie || missing+=(tesseract-ocr tesseract-ocr-vie)
command -v antiword >/dev/null || missing+=(antiword)
if [ ${#missing[@]} -gt 0 ]; then
  . scripts/debian.sh
  debian_install "reading scans and .doc files" "${SYSTEM_PACKAGES[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv"
  "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)

stamp=.venv/.hoidoan-deps
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Installing torch==2.13.0 (CPU) and dependencies"
  "${PIP[@]}" install "torch==2.13.0"
  "${PIP[@]}" install -e ".[dev,model]"
  touch "$stamp"
fi

echo "==> Embedding model"
.venv/bin/hoidoan model install
echo "==> Index of knowledge/"
.venv/bin/hoidoan index
