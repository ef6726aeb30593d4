"""Continuity: the Django project and the planning domain."""

from __future__ import annotations

from bcp.celery import app as celery_app

__all__ = ["celery_app"]
