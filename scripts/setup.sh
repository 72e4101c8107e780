#!/usr/bin/env bash
# Install everything Aspirasi needs (Debian packages, Python packages from the lock file),
# compile translations and bring the database up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-packages.sh
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
    # Debian's own Python refuses --user installs (PEP 668) unless told; uv is a standalone
    # tool in ~/.local/bin and touches none of the system's packages.
    python3 -m pip install --quiet --user uv 2>/dev/null \
        || python3 -m pip install --quiet --user --break-system-packages uv
fi
uv sync --frozen --quiet
uv run python manage.py compilemessages --ignore=.venv -v 0
