"""Models of the inventory app."""

from __future__ import annotations
