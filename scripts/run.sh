#!/usr/bin/env bash
# Set up and start Aspirasi on its embedded default: SQLite in ./var, with demo officials.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export PATH="$HOME/.local/bin:$PATH"
mkdir -p var
uv run python manage.py migrate -v 0
uv run python manage.py seed_demo
ADDR="${ASPIRASI_ADDR:-127.0.0.1:8000}"
echo
echo "Aspirasi runs at http://$ADDR/  (staff desk: http://$ADDR/meja/)"
exec uv run python manage.py runserver "$ADDR"
