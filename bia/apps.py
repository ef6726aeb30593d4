from __future__ import annotations

from django.apps import AppConfig


class BiaConfig(AppConfig):
    name = "bia"
