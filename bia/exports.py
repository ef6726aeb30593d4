"""BIA answers as a spreadsheet: one row per function, built with tablib.

Text that a spreadsheet would read as a formula (=, +, -, @, tab, CR) is prefixed with an
apostrophe, so an answer like ``=HYPERLINK(...)`` shows as text instead of running.
"""

from __future__ import annotations

from typing import Any

import tablib

from bcp.models import Plan
from bia.durations import format_hours
from bia.models import Assessment, BusinessFunction, Campaign, QuestionType
from bia.selectors.answers import answer_set, answers_by_assessment, derive
from bia.selectors.assessments import format_value
from bia.selectors.scales import impact_scales
from bia.services.common import cell_key

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make text safe to open in a spreadsheet; numbers and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


Row = tuple[BusinessFunction, Assessment | None]


def _rows(plan: Plan, campaign: Campaign | None) -> list[Row]:
    """A campaign's functions with their BIA there, or every function with its current BIA."""
    rows = Assessment.objects.filter(plan=plan).select_related(
        "function", "function__owner", "template", "campaign"
    )
    rows = rows.filter(campaign=campaign) if campaign is not None else rows.filter(is_current=True)
    latest: dict[int, Assessment] = {}
    for a in rows.order_by("function__name", "function_id", "-revision"):
        latest.setdefault(a.function_id, a)
    if campaign is not None:
        return [(a.function, a) for a in latest.values()]
    functions = BusinessFunction.objects.filter(plan=plan).select_related("owner")
    return [(f, latest.get(f.pk)) for f in functions.order_by("name", "pk")]


def answers_dataset(plan: Plan, campaign: Campaign | None = None) -> tablib.Dataset:
    impact_settings, categories = impact_scales(plan)
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    rows = _rows(plan, campaign)
    assessments = [a for _, a in rows if a is not None]
    answers = answers_by_assessment([a.pk for a in assessments])
    # Columns: every question key met, in questionnaire order; the grid spread into cells.
    columns: dict[str, str] = {}
    for item in assessments:
        for answer in answers.get(item.pk, []):
            q = answer.question
            if q.qtype == QuestionType.IMPACT_GRID:
                for c in categories:
                    for h in horizons:
                        columns.setdefault(
                            f"{q.key}:{cell_key(c.key, h)}",
                            f"Impact: {c.name} at {format_hours(h)}",
                        )
            else:
                columns.setdefault(q.key, q.text)
    headers = [
        "Function",
        "Owner",
        "Criticality",
        "BIA state",
        "BIA revision",
        "Questionnaire",
        "Campaign",
        *columns.values(),
        "Derived MTPD (hours)",
        "MTPD reasoning",
        "RPO need (hours)",
        "Sources",
    ]
    data = tablib.Dataset(headers=headers, title="BIA answers")
    for function, assessment in rows:
        own = answers.get(assessment.pk, []) if assessment else []
        values: dict[str, Any] = {}
        sources: set[str] = set()
        for answer in own:
            q = answer.question
            column = f"{q.key}:{answer.cell}" if answer.cell else q.key
            if q.qtype in (QuestionType.IMPACT_GRID, QuestionType.NUMBER, QuestionType.DURATION):
                values[column] = answer.value
            else:
                values[column] = format_value(q, answer.value)
            source = answer.source_interview or answer.source_workshop
            if source is not None:
                sources.add(str(source))
        mtpd: Any = ""
        reasoning = ""
        rpo: Any = ""
        if impact_settings is not None and assessment is not None:
            derived = derive(answer_set(assessment, own), impact_settings, categories)
            mtpd = derived.mtpd_hours if derived.mtpd_hours is not None else ""
            reasoning = derived.mtpd_reasoning
            rpo = derived.rpo_hours if derived.rpo_hours is not None else ""
        owner = function.owner
        row = [
            function.name,
            (owner.get_full_name() or owner.get_username()) if owner else "",
            function.get_criticality_display(),
            assessment.get_state_display() if assessment else "No BIA yet",
            assessment.revision if assessment else "",
            str(assessment.template) if assessment else "",
            assessment.campaign.name if assessment and assessment.campaign else "",
            *[values.get(key, "") for key in columns],
            mtpd,
            reasoning,
            rpo,
            "; ".join(sorted(sources)),
        ]
        data.append([neutralise(v) if v is not None else "" for v in row])
    return data


def export_bytes(data: tablib.Dataset, fmt: str) -> bytes:
    if fmt == "xlsx":
        content = data.export("xlsx")
        return content if isinstance(content, bytes) else bytes(content)
    text = data.export("csv")
    return ("\ufeff" + text).encode("utf-8")  # a BOM so spreadsheet apps read UTF-8
