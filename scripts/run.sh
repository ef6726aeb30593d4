#!/usr/bin/env bash
# Set up, load the demo plan, and run the web app with a real Celery worker and Celery
# beat (periodic work: digests, review and sign-off reminders; schedule in the database).
# Embedded defaults: SQLite and the filesystem broker under var/. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
.venv/bin/python manage.py load_demo
mkdir -p var/log
.venv/bin/celery -A config worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}" \
  --max-memory-per-child="${CELERY_WORKER_MAX_MEMORY_KB:-512000}" >var/log/worker.log 2>&1 &
WORKER_PID=$!
.venv/bin/celery -A config beat --loglevel=INFO \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler >var/log/beat.log 2>&1 &
BEAT_PID=$!
trap 'kill $WORKER_PID $BEAT_PID 2>/dev/null; wait $WORKER_PID $BEAT_PID 2>/dev/null' EXIT INT TERM
echo "==> Worker started (pid $WORKER_PID, log var/log/worker.log)"
echo "==> Beat started (pid $BEAT_PID, log var/log/beat.log; schedule: admin › Periodic tasks)"
echo "==> Continuity at http://127.0.0.1:${PORT:-8000}/  (sign in as manager / continuity-demo)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}" --noreload
