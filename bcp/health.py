"""State of the database, the broker and the workers, for /health/ and the setup script."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from kombu import Connection

from bcp.jobs import worker_is_alive


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "detail": connection.vendor}


def broker_reachable(timeout: float = 2.0) -> tuple[bool, str]:
    url: str = settings.CELERY_BROKER_URL
    if url.startswith("filesystem"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folder = str(options.get("data_folder_in", ""))
        if folder and Path(folder).is_dir() and os.access(folder, os.W_OK):
            return True, f"filesystem queue at {folder}"
        return False, f"filesystem queue folder {folder!r} is missing or not writable"

    try:
        with Connection(
            url, connect_timeout=timeout, transport_options={"socket_timeout": timeout}
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=int(timeout))
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"
    return True, url.split("@")[-1]


def health_report() -> dict[str, Any]:

    database = _database()
    broker_ok, broker_detail = broker_reachable()
    if database["ok"]:
        worker_ok, worker_detail = worker_is_alive()
    else:
        worker_ok, worker_detail = False, "unknown: database unavailable"
    checks = {
        "database": database,
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "worker": {"ok": worker_ok, "detail": worker_detail},
    }
    status = "ok" if all(check["ok"] for check in checks.values()) else "unavailable"
    return {"status": status, "checks": checks}
