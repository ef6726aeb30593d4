"""The one list of what a person edits about each inventory record.

Forms (``Meta.fields``), services (the values they accept), the API serializers and the
import/export columns (spreadsheets and inventory as code) all read these tuples, so a
field added to a model is added here once and appears everywhere, in the same order.

``*_FIELDS`` are the model values the services take. Links to other records that are
kept in their own tables (what a component runs on, a group's members) are not model
values: the services take them apart, and the exchange and API name them by
``*_COLUMNS``, where they sit in the order people read them. A component's technique is
applied through its own form (which fills in the technique's figures), so the component
form leaves it out (``COMPONENT_FORM_FIELDS``).
"""

from __future__ import annotations


def _with(fields: tuple[str, ...], link: str, *, after: str) -> tuple[str, ...]:
    """``fields`` with ``link`` placed right after ``after``.

    Example: ``_with(("name", "site", "notes"), "runs_on", after="site")`` →
    ``("name", "site", "runs_on", "notes")``. An unknown ``after`` raises ValueError.
    """
    at = fields.index(after) + 1
    return (*fields[:at], link, *fields[at:])


SITE_FIELDS = (
    "name",
    "kind",
    "parent",
    "availability_percent",
    "availability_source",
    "restore_hours",
    "description",
)
COMPONENT_FIELDS = (
    "name",
    "kind",
    "owner",
    "site",
    "availability_percent",
    "mtbf_hours",
    "mttr_hours",
    "availability_source",
    "holds_data",
    "failover_seconds",
    "restore_hours",
    "backup_interval_hours",
    "replication",
    "replication_lag_seconds",
    "technique",
    "cost_per_year",
    "notes",
)
GROUP_FIELDS = ("name", "mode", "k", "failover_seconds", "technique", "notes")
TECHNIQUE_FIELDS = (
    "key",
    "name",
    "description",
    "group_mode",
    "failover_seconds",
    "restore_hours",
    "data_loss_seconds",
    "backup_interval_hours",
    "replication",
    "replication_lag_seconds",
    "cost_class",
    "complexity",
)

COMPONENT_FORM_FIELDS = tuple(name for name in COMPONENT_FIELDS if name != "technique")
"""What the component form and the API edit: all but the technique."""

SITE_COLUMNS = SITE_FIELDS
COMPONENT_COLUMNS = _with(COMPONENT_FIELDS, "runs_on", after="site")
GROUP_COLUMNS = _with(GROUP_FIELDS, "members", after="technique")
TECHNIQUE_COLUMNS = TECHNIQUE_FIELDS
COMPONENT_API_COLUMNS = _with(COMPONENT_FORM_FIELDS, "runs_on", after="site")
"""The component's columns in the API: the form's fields and what it runs on."""
