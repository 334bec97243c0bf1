#!/usr/bin/env bash
# The web server with its task worker beside it: `make serve` (gunicorn, production settings)
# and `make run` (Django's development server on the demo world) start it, and so do the tests
# that stop and kill a server. When the web server ends, by a signal or on its own, the task
# worker is stopped and waited for: the process group ends only after the worker has finished
# the task it took.
#
#   bash scripts/serve.sh          # production: migrate, collectstatic, gunicorn
#   bash scripts/serve.sh dev      # development server, settings of DJANGO_ENV
#
# Environment: PYTHON (the virtualenv's python, default .venv/bin/python), HOST, PORT, WORKERS
# (gunicorn's processes), TASK_INTERVAL (seconds between the task worker's looks at the queue),
# STATIC=0 (no collectstatic: an instance that serves only the API), ACCESS_LOG (gunicorn's
# --access-logfile, e.g. "-").
set -euo pipefail

python=${PYTHON:-.venv/bin/python}
mode=${1:-production}

start_task_worker() {
    "$python" manage.py db_worker ${TASK_INTERVAL:+--interval "$TASK_INTERVAL"} &
    worker=$!
    trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null || true' EXIT INT TERM
}

if [ "$mode" = dev ]; then
    "$python" manage.py schedule_reminders
    start_task_worker
    "$python" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
    exit
fi

export DJANGO_ENV=production
"$python" manage.py migrate --no-input -v0
if [ "${STATIC:-1}" != 0 ]; then
    "$python" manage.py collectstatic --no-input -v0
fi
"$python" manage.py schedule_reminders
start_task_worker
"$(dirname "$python")/gunicorn" sundhedskoordinator.wsgi \
    --bind "${HOST:-0.0.0.0}:${PORT:-8000}" --workers "${WORKERS:-2}" \
    ${ACCESS_LOG:+--access-logfile "$ACCESS_LOG"}
