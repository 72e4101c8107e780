#!/usr/bin/env bash
# The one-machine layout of docs/deploy.md brought up on loopback, without nginx, systemd or
# Postfix: gunicorn and the background worker over plain http (ASPIRASI_HTTPS=0).
#
#   bash scripts/deploy-loopback.sh DATABASE_URL DATA_DIR PORT SMTP_PORT [KEY=VALUE ...]
#
# DATABASE_URL names a running PostgreSQL 15 database. DATA_DIR (created if missing) gets the
# env file DATA_DIR/aspirasi.env, which the e-mail intake is given with --env-file as in the
# guide's Postfix line, and the static files, uploaded files and backups. Gunicorn listens on
# 127.0.0.1:PORT; the worker sends mail through the SMTP server on 127.0.0.1:SMTP_PORT. Each
# KEY=VALUE argument goes into the env file too, before the defaults it replaces (for example
# PGHOST=/path/to/socket-dir, which libpq reads, or ASPIRASI_HEALTH_TOKEN=...).
#
# Run it as the user the services run as, in a project installed as the guide's "Install" says
# (.venv made with a Python every user can reach, `uv sync` done). It stays in the foreground
# as gunicorn; the worker runs beside it. Stop both by their process group.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 4 ]; then
    echo "usage: bash scripts/deploy-loopback.sh DATABASE_URL DATA_DIR PORT SMTP_PORT [KEY=VALUE ...]" >&2
    exit 2
fi
database_url=$1 data_dir=$2 port=$3 smtp_port=$4
shift 4
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
env_file="$data_dir/aspirasi.env"

declare -A given=()
for pair in "$@"; do
    if [[ $pair != [A-Za-z_]*=* ]]; then
        echo "deploy-loopback: not a KEY=VALUE argument: $pair" >&2
        exit 2
    fi
    given[${pair%%=*}]=1
done
setting() { # KEY=VALUE, unless an argument gave KEY already
    [ -n "${given[$1]-}" ] || printf '%s=%s\n' "$1" "$2"
}
secret_key=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
(
    umask 077 # it holds the secret key
    {
        echo "# Written by scripts/deploy-loopback.sh: docs/deploy.md's one machine, on loopback."
        if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi
        setting ASPIRASI_DEBUG 0
        setting ASPIRASI_SECRET_KEY "$secret_key"
        setting ASPIRASI_ALLOWED_HOSTS 127.0.0.1,localhost
        setting ASPIRASI_SITE_URL "http://127.0.0.1:$port"
        setting ASPIRASI_HTTPS 0
        setting ASPIRASI_BIND "127.0.0.1:$port"
        setting ASPIRASI_WEB_WORKERS 2
        setting DATABASE_URL "$database_url"
        setting ASPIRASI_DATA_DIR "$data_dir"
        setting ASPIRASI_BACKUP_DIR "$data_dir/backups"
        setting ASPIRASI_SMTP_HOST 127.0.0.1
        setting ASPIRASI_SMTP_PORT "$smtp_port"
    } >"$env_file"
)
set -a
# shellcheck source=/dev/null
. "$env_file"
set +a
echo "deploy-loopback: settings in $env_file; serving http://127.0.0.1:$port/"

# >>> docs/deploy.md: the guide's commands, verbatim (tests/deploy/test_guide.py checks)
.venv/bin/python manage.py compilemessages --ignore=.venv -v 0
.venv/bin/python -m compileall -q aspirasi
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py collectstatic --noinput -v 0
.venv/bin/python manage.py check --deploy
setpriv --pdeathsig TERM -- .venv/bin/python manage.py run_worker &
exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py aspirasi.wsgi
# <<< docs/deploy.md
