"""Which models are tracked, and which plan a historical row belongs to.

Everything here is discovered from the app registry, so a model another app
adds with ``history = tracked_history()`` is covered without this module
changing: its historical rows are chained, shown in the auditor pages and can
be rolled back.
"""

from __future__ import annotations

from collections import deque
from functools import cache
from itertools import pairwise
from typing import Any

from django.apps import apps
from django.db import models
from simple_history.utils import get_history_model_for_model

PLAN_LABEL = "bcp.Plan"
# How many foreign-key hops we follow to find a row's plan (an answer → its BIA →
# its function → the plan is three).
MAX_PLAN_HOPS = 4


_tracked: dict[type[models.Model], bool] = {}
_history_models: dict[type[models.Model], type[models.Model]] = {}


def is_tracked(model: type[models.Model]) -> bool:
    """A model with simple-history's manager that is not itself a historical model.

    Cached: reading ``model.history`` builds a new manager class each time, which
    would dominate a verification of 100,000 entries.
    """
    if model not in _tracked:
        _tracked[model] = hasattr(model, "history") and not hasattr(model, "instance_type")
    return _tracked[model]


def tracked_models() -> list[type[models.Model]]:
    return sorted(
        (model for model in apps.get_models() if is_tracked(model)),
        key=lambda model: model._meta.label,
    )


def history_model(model: type[models.Model]) -> type[models.Model]:
    if model not in _history_models:
        _history_models[model] = get_history_model_for_model(model)
    return _history_models[model]


def live_model(history_model: type[models.Model]) -> type[models.Model]:
    """The tracked model whose historical rows ``history_model`` holds.

    simple-history names it ``instance_type`` on the class it generates, untyped.
    """
    model = getattr(history_model, "instance_type", None)
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        raise TypeError(f"{history_model.__name__} is not a historical model")
    return model


def live_instance(history_row: models.Model) -> models.Model:
    """The tracked row as ``history_row`` records it (simple-history's ``instance``)."""
    instance = getattr(history_row, "instance", None)
    if not isinstance(instance, models.Model):
        raise TypeError(f"{type(history_row).__name__} is not a historical row")
    return instance


def history_models() -> list[type[models.Model]]:
    return [history_model(model) for model in tracked_models()]


@cache
def tracked_model_for(label: str) -> type[models.Model] | None:
    """The tracked model named ``app_label.ModelName``, or None for anything else."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if is_tracked(model) else None


def _forward_foreign_keys(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is not None
    ]


@cache
def plan_path(model: type[models.Model]) -> tuple[str, ...] | None:
    """Foreign-key attnames leading from ``model`` to its plan, or None if it has none.

    ``()`` means the model is the plan itself. The shortest path wins; a direct
    ``plan`` foreign key is preferred over any other route of the same length.
    """
    if model._meta.label == PLAN_LABEL:
        return ()
    start: tuple[type[models.Model], tuple[models.ForeignKey[Any, Any], ...]] = (model, ())
    queue = deque([start])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if len(path) >= MAX_PLAN_HOPS:
            continue
        keys = sorted(_forward_foreign_keys(current), key=lambda f: (f.name != "plan", f.name))
        for field in keys:
            target = field.related_model
            assert isinstance(target, type)
            if target._meta.label == PLAN_LABEL:
                return tuple(f.attname for f in (*path, field))
            if target in seen or not is_tracked(target):
                continue
            seen.add(target)
            queue.append((target, (*path, field)))
    return None


def _hop_model(model: type[models.Model], attname: str) -> type[models.Model]:
    for field in _forward_foreign_keys(model):
        if field.attname == attname:
            related = field.related_model
            assert isinstance(related, type)
            return related
    raise LookupError(f"{model._meta.label} has no foreign key {attname}")


def _values_of(model: type[models.Model], pk: Any, attname: str) -> Any:
    """``attname`` of row ``pk``: the live row, else its latest historical version."""
    value = model._base_manager.filter(pk=pk).values_list(attname, flat=True).first()
    if value is not None:
        return value
    return (
        history_model(model)
        ._default_manager.filter(**{model._meta.pk.attname: pk})
        .order_by("-history_id")
        .values_list(attname, flat=True)
        .first()
    )


def plan_id_of(model: type[models.Model], row: Any) -> int | None:
    """The plan a tracked row (live or historical) belongs to, following ``plan_path``.

    Rows of deleted parents are found in the parent's history, so a change that
    happens while the parent is being deleted still lands on the right plan.
    """
    path = plan_path(model)
    if path is None:
        return None
    if not path:
        return getattr(row, model._meta.pk.attname)
    value = getattr(row, path[0])
    current = model
    for attname, next_attname in pairwise(path):
        if value is None:
            return None
        current = _hop_model(current, attname)
        value = _values_of(current, value, next_attname)
    return value
