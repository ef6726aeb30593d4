"""The input changes behind a moved figure, in words, read from change history.

"The Head office SAN's restore time changed from 12 h to 24 h" is built from the
history chain (:class:`audit.models.ChainEntry`) and the historical rows it points at:
every input change recorded after the figures were last checked (the input watermark,
newest history id per input table), narrowed to the ones that touch the function —
its own BIA and dependencies, and the components, groups and sites it runs on.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from analysis import formatting
from audit.models import ChainEntry
from audit.tracking import history_model
from audit.versions import changed_values, row_values
from bcp.models import Plan

# Changes named per check and function; further ones are counted, not spelled out.
MAX_SENTENCES = 5
# History entries read per check (newest first): a bulk import is summarised, not listed.
MAX_ENTRIES = 500
VALUE_CHARS = 40

# Fields whose unit the sentence states.
_HOURS = {"restore_hours", "backup_interval_hours", "mtbf_hours", "mttr_hours", "workaround_hours"}
_SECONDS = {"failover_seconds", "replication_lag_seconds"}
_PERCENT = {"availability_percent"}
# Rows tied to one function through this attribute of the historical row.
_FUNCTION_FIELD = {
    "bia.BusinessFunction": "id",
    "bia.FunctionDependency": "function_id",
    "bia.Assessment": "function_id",
    "inventory.Dependency": "function_id",
    "analysis.AgreedObjective": "function_id",
}
# Rows tied to inventory elements: (attribute, key prefix) pairs.
_ELEMENT_FIELDS = {
    "inventory.Component": (("id", "component"),),
    "inventory.RedundancyGroup": (("id", "group"),),
    "inventory.Site": (("id", "site"),),
    "inventory.RunsOn": (("component_id", "component"),),
    "inventory.GroupMember": (("group_id", "group"), ("component_id", "component")),
}


@dataclass(frozen=True)
class InputChange:
    seq: int
    sentence: str


def _value(field: models.Field[Any, Any], value: Any) -> str:
    if value is None or value == "":
        return "not set"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.attname in _HOURS:
        return formatting.duration(float(value) * 3600)
    if field.attname in _SECONDS:
        return formatting.duration(float(value))
    if field.attname in _PERCENT:
        return f"{float(value):g} %"
    if isinstance(value, float):
        return f"{value:g}"
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _field_sentences(model: type[models.Model], repr_: str, old: Any, new: Any) -> list[str]:
    sentences = []
    named = any(f.name == "name" for f in model._meta.concrete_fields)
    noun = str(model._meta.verbose_name).capitalize()
    subject = f"The {repr_}'s" if named else f"{noun} “{repr_}”:"
    for field, before, after in changed_values(model, row_values(old), row_values(new)):
        label = re.sub(r" \((h|s|%)\)$", "", str(field.verbose_name))
        if field.is_relation or isinstance(field, models.JSONField):
            sentences.append(f"{subject} {label} changed")
        else:
            sentences.append(
                f"{subject} {label} changed from {_value(field, before)} to {_value(field, after)}"
            )
    return sentences


def _entries(plan: Plan, since: Mapping[str, int], until: Mapping[str, int]) -> list[Any]:

    query = models.Q()
    for label, newest in until.items():
        oldest = since.get(label, 0)
        if newest > oldest:
            query |= models.Q(model_label=label, history_id__gt=oldest, history_id__lte=newest)
    if not query:
        return []
    return list(
        ChainEntry.objects.filter(query, plan_id=plan.pk)
        .only("seq", "model_label", "history_id", "history_type", "object_repr")
        .order_by("-seq")[:MAX_ENTRIES]
    )


def _history_rows(entries: list[Any]) -> dict[tuple[str, int], Any]:
    """Each entry's historical row, and the row before it of the same object (``-id``)."""
    rows: dict[tuple[str, int], Any] = {}
    by_label: dict[str, list[int]] = {}
    for entry in entries:
        by_label.setdefault(entry.model_label, []).append(entry.history_id)
    for label, ids in by_label.items():
        for row in history_model(apps.get_model(label))._default_manager.filter(history_id__in=ids):
            rows[(label, row.pk)] = row
    return rows


def _previous(label: str, row: Any) -> Any:
    return (
        history_model(apps.get_model(label))
        ._default_manager.filter(id=row.id, history_id__lt=row.history_id)
        .order_by("-history_id")
        .first()
    )


def _touches(label: str, row: Any, function_pk: int, elements: Collection[str]) -> bool:
    if label in _FUNCTION_FIELD:
        return getattr(row, _FUNCTION_FIELD[label], None) == function_pk
    if label in _ELEMENT_FIELDS:
        return any(
            f"{prefix}:{getattr(row, attribute, None)}" in elements
            for attribute, prefix in _ELEMENT_FIELDS[label]
        )
    if label == "bia.Answer":
        return getattr(row, "assessment_function_id", None) == function_pk
    # Settings, impact scales and techniques reach every function.
    return True


def input_changes(
    plan: Plan,
    *,
    since: Mapping[str, int],
    until: Mapping[str, int],
    function_pk: int,
    elements: Collection[str],
) -> list[InputChange]:
    """Changes recorded between two input watermarks that touch one function, oldest first.

    ``elements`` are the engine keys (``component:7``, ``site:2``…) the function runs on.
    """
    entries = _entries(plan, since, until)
    rows = _history_rows(entries)
    answers = [r for (label, _), r in rows.items() if label == "bia.Answer"]
    if answers:
        assessments = apps.get_model("bia.Assessment")._default_manager.filter(
            pk__in={r.assessment_id for r in answers}
        )
        owner_of = dict(assessments.values_list("pk", "function_id"))
        for r in answers:
            r.assessment_function_id = owner_of.get(r.assessment_id)
    found: list[InputChange] = []
    for entry in entries:
        row = rows.get((entry.model_label, entry.history_id))
        if row is None or not _touches(entry.model_label, row, function_pk, elements):
            continue
        model = apps.get_model(entry.model_label)
        noun = str(model._meta.verbose_name)
        if entry.history_type == "+":
            sentences = [f"{noun.capitalize()} “{entry.object_repr}” was added"]
        elif entry.history_type == "-":
            sentences = [f"{noun.capitalize()} “{entry.object_repr}” was removed"]
        else:
            previous = _previous(entry.model_label, row)
            if previous is None:
                continue
            sentences = _field_sentences(model, entry.object_repr, previous, row)
        found.extend(InputChange(entry.seq, s) for s in sentences)
        if len(found) >= MAX_SENTENCES:
            break
    return sorted(found, key=lambda c: c.seq)
