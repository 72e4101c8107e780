#!/usr/bin/env bash
# Debian packages Aspirasi needs beyond Python: gettext (compiling translations), PostgreSQL 15
# (the server, and pg_dump/pg_restore for backups; the test suite starts a throwaway server),
# GnuPG (encrypted backups), and for development Chromium (browser tests, driven by Playwright).
# With --production (scripts/serve.sh), no Chromium. With --bench, no Chromium but wrk, the HTTP
# load generator bench/load.py drives the production server with.
set -euo pipefail

packages=(gettext postgresql gnupg fonts-dejavu-core)
case "${1:-}" in
    --production) ;;
    --bench) packages+=(wrk) ;;
    *) packages+=(chromium) ;;
esac
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
