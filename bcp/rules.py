"""Service rules that hold on every write path, not only the pages' own services.

A service checks its rules before it writes (the BIA lock, keep one manager). Other
write paths — restoring an earlier version from the audit trail — write a model
instance the service did not shape; they call :func:`check_write_rules` with the
instance as it would be saved, and each app registers its model's rules here (in its
``AppConfig.ready``). A rule raises ``ValidationError`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

WriteRule = Callable[[models.Model], None]

_rules: dict[type[models.Model], list[WriteRule]] = {}


def register_write_rule(model: type[models.Model], rule: WriteRule) -> None:
    _rules.setdefault(model, []).append(rule)


def check_write_rules(instance: models.Model) -> None:
    """Run every rule registered for ``instance``'s model; the first broken one raises."""
    for rule in _rules.get(type(instance), []):
        rule(instance)
