#!/usr/bin/env bash
# The web server with its task worker beside it: `make serve` (gunicorn, production settings)
# and `make run` (Django's development server on the demo world) start it, and so do the tests
# that stop and kill a server. When the web server ends, by a signal or on its own, the task
# worker is stopped and waited for: the process group ends only after the worker has finished
# the task it took. A stop asked for by a signal exits 0.
#
#   bash scripts/serve.sh          # production: migrate, collectstatic, gunicorn
#   bash scripts/serve.sh dev      # development server, settings of DJANGO_ENV
#
# Environment: HOST, PORT, WORKERS (gunicorn's processes), as for make; SERVE_PYTHON (the
# virtualenv's python, default .venv/bin/python), SERVE_TASK_INTERVAL (seconds between the task
# worker's looks at the queue), SERVE_STATIC=0 (no collectstatic: an instance that serves only
# the API), SERVE_ACCESS_LOG (gunicorn's --access-logfile, e.g. "-").
set -euo pipefail

python=${SERVE_PYTHON:-.venv/bin/python}
mode=${1:-production}
if [ "$mode" != production ] && [ "$mode" != dev ]; then
    echo "usage: $0 [production|dev]" >&2
    exit 2
fi

start_task_worker() {
    "$python" manage.py db_worker ${SERVE_TASK_INTERVAL:+--interval "$SERVE_TASK_INTERVAL"} &
    worker=$!
    # Under `set -e`: a worker already stopped (by the signal's trap, before the exit's) makes
    # `kill` fail, which must not turn a stop into a failure.
    trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
}

if [ "$mode" = dev ]; then
    "$python" manage.py schedule_reminders
    start_task_worker
    "$python" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
    exit
fi

export DJANGO_ENV=production
"$python" manage.py migrate --no-input -v0
if [ "${SERVE_STATIC:-1}" != 0 ]; then
    "$python" manage.py collectstatic --no-input -v0
fi
"$python" manage.py schedule_reminders
start_task_worker
"$(dirname "$python")/gunicorn" sundhedskoordinator.wsgi \
    --bind "${HOST:-0.0.0.0}:${PORT:-8000}" --workers "${WORKERS:-2}" \
    ${SERVE_ACCESS_LOG:+--access-logfile "$SERVE_ACCESS_LOG"}
