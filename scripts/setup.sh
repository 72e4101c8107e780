#!/usr/bin/env bash
# Install everything Aspirasi needs (Debian packages, Python packages from the lock file),
# compile translations and bring the database up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-packages.sh
if ! command -v uv >/dev/null 2>&1; then
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --quiet
uv run python manage.py compilemessages --ignore=.venv -v 0
