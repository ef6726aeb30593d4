"""Models of the analysis app."""

from __future__ import annotations
