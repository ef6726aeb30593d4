"""The Django project: settings, URL map, Celery application, WSGI and ASGI entry points.

The planning domain (plans, members, jobs, permissions) lives in ``bcp``; this package
only wires the apps together.
"""

from __future__ import annotations

from config.celery import app as celery_app

__all__ = ["celery_app"]
