#!/usr/bin/env bash
# Set up (if needed) and run every check: ruff, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> ruff"
.venv/bin/ruff check bot tests bench
echo "==> pytest"
.venv/bin/python -m pytest -q "$@"
