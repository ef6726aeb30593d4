"""The Celery application and the worker's heartbeat."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from celery import Celery, bootsteps
from django.conf import settings
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)

app = Celery("continuity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Heartbeat(bootsteps.StartStopStep):
    """Every few seconds, from the worker's main process: write a heartbeat row, then
    queue again the jobs whose worker is gone (:func:`bcp.jobs.job_sweep`)."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.tref: Any = None

    def start(self, worker: Any) -> None:
        self._beat(worker)
        self.tref = worker.timer.call_repeatedly(
            settings.WORKER_HEARTBEAT_SECONDS, self._beat, (worker,), priority=10
        )

    def stop(self, worker: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()

    def _beat(self, worker: Any) -> None:
        # config/__init__.py imports this module before Django's app registry is ready,
        # and bcp.jobs needs the registry (its models).
        from bcp.jobs import job_sweep, worker_heartbeat_record

        try:
            close_old_connections()
            worker_heartbeat_record(worker.hostname)
        except Exception:
            logger.exception("Could not record worker heartbeat")
            return
        try:
            job_sweep()
        except Exception:
            logger.exception("Could not sweep for stuck jobs")


app.steps["worker"].add(Heartbeat)


def ensure_broker_folders() -> None:
    """The filesystem transport needs its folders before the first message."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = options.get(key)
        if isinstance(folder, str):
            Path(folder).mkdir(parents=True, exist_ok=True)
