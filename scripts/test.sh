#!/usr/bin/env bash
# The whole test suite: lint, format check, types, migrations, then pytest
# (unit, views, permission matrix, a real Celery worker, browser tests).
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-db
export DJANGO_SETTINGS_MODULE=config.settings.test
export CELERY_QUEUE="${CELERY_QUEUE:-continuity-test-$$}"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
echo "==> ruff check";            .venv/bin/ruff check .
echo "==> ruff format --check";   .venv/bin/ruff format --check .
echo "==> mypy";                  .venv/bin/mypy .
echo "==> makemigrations --check"; .venv/bin/python manage.py makemigrations --check --dry-run
echo "==> pytest"
.venv/bin/pytest "$@"
