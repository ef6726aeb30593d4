"""Project-level app configuration."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class ContinuityStaticFilesConfig(StaticFilesConfig):
    """Static files, without bundles the app never serves.

    drf-spectacular-sidecar ships ReDoc as well as Swagger UI; only Swagger UI is
    served (``/api/docs/``), so ReDoc's 5 MB is not collected, hashed or compressed.
    """

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "redoc"]
