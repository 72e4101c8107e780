#!/usr/bin/env bash
# Set up and run every test: lint, the whole suite on SQLite, then everything that touches the
# database again on a throwaway PostgreSQL 15 server the tests start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$HOME/.local/bin:$PATH"
uv run ruff check .
uv run ruff format --check .
uv run lint-imports --no-cache
mkdir -p var
uv run python manage.py makemigrations --check --dry-run -v 0
echo "== tests on SQLite =="
uv run pytest "$@"
echo "== database tests on PostgreSQL 15 =="
ASPIRASI_TEST_DB=postgres uv run pytest -m "not browser" "$@"
