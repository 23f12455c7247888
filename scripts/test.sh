#!/usr/bin/env bash
# Set up (if needed) and run every check: ruff, then the test suite.
# The storage suite also runs against PostgreSQL (HOIDOAN_TEST_POSTGRES_URL, default
# postgres@127.0.0.1:5432/test); it is started here if this machine has it but it is down.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "==> PostgreSQL is not running; starting it"
  (pg_ctlcluster 15 main start || service postgresql start) >/dev/null 2>&1 || true
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

echo "==> ruff"
.venv/bin/ruff check bot tests bench
echo "==> pytest"
.venv/bin/python -m pytest -q "$@"
