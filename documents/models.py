"""Models of the documents app."""

from __future__ import annotations
