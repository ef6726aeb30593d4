"""Models of the bia app."""

from __future__ import annotations
