"""Settings for running Continuity on one machine with demo data."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
