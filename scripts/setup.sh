#!/usr/bin/env bash
# Install everything Aspirasi needs (Debian packages, Python packages from the lock file) and
# compile translations. With --production (scripts/serve.sh): no browser, no development
# packages, and the packages' bytecode compiled (the mail intake starts a process per message).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-packages.sh "${1:-}"
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
    # Debian's own Python refuses --user installs (PEP 668) unless told; uv is a standalone
    # tool in ~/.local/bin and touches none of the system's packages.
    python3 -m pip install --quiet --user uv 2>/dev/null \
        || python3 -m pip install --quiet --user --break-system-packages uv
fi
if [ "${1:-}" = "--production" ]; then
    uv sync --frozen --quiet --no-dev --compile-bytecode
else
    uv sync --frozen --quiet
fi
uv run python manage.py compilemessages --ignore=.venv -v 0
