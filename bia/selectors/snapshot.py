"""The plan's BIA as JSON-ready data for the PDF documents."""

from __future__ import annotations

from typing import Any

from bcp.models import Plan
from bia.durations import format_hours
from bia.models import Answer, Assessment, BusinessFunction, ImpactCategory, ImpactSettings
from bia.selectors.answers import (
    answer_set,
    answers_by_assessment,
    derive,
    reviewed_by_function,
)
from bia.selectors.assessments import format_value
from bia.selectors.campaigns import campaigns_for_list
from bia.selectors.scales import impact_scales


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's BIA as JSON-ready data for the PDF documents, in a deterministic order."""
    impact_settings, categories = impact_scales(plan)
    functions = list(
        BusinessFunction.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related("needs__depends_on")
        .order_by("name", "pk")
    )
    reviewed = reviewed_by_function(plan)
    grouped = answers_by_assessment([a.pk for a in reviewed.values()])
    function_rows = []
    for function in functions:
        row = _function_row(function)
        assessment = reviewed.get(function.pk)
        if assessment is not None and impact_settings is not None:
            answers = grouped.get(assessment.pk, [])
            row["bia"] = _bia_part(assessment, answers, impact_settings, categories)
        function_rows.append(row)
    return {
        "impact_settings": _settings_part(impact_settings),
        "impact_categories": [_category_part(c) for c in categories],
        "functions": function_rows,
        "campaigns": _campaigns_part(plan),
    }


def _function_row(function: BusinessFunction) -> dict[str, Any]:
    """One function's own fields and dependencies; ``bia`` is filled in by the caller."""
    return {
        "id": function.pk,
        "name": function.name,
        "description": function.description,
        "owner": (function.owner.get_full_name() or function.owner.get_username())
        if function.owner
        else "",
        "criticality": function.criticality,
        "peak_periods": function.peak_periods,
        "workaround": function.workaround,
        "workaround_hours": function.workaround_hours,
        "dependencies": [
            {"kind": d.kind, "name": d.target_name, "notes": d.notes}
            for d in sorted(function.needs.all(), key=lambda d: (d.kind, d.target_name))
        ],
        "bia": None,
    }


def _bia_part(
    assessment: Assessment,
    answers: list[Answer],
    impact_settings: ImpactSettings,
    categories: list[ImpactCategory],
) -> dict[str, Any]:
    """One function's reviewed BIA: its answers as read, impacts and derived MTPD and RPO."""
    aset = answer_set(assessment, answers)
    derived = derive(aset, impact_settings, categories)
    return {
        "state": assessment.state,
        "revision": assessment.revision,
        "template": str(assessment.template),
        "approved_at": assessment.approved_at.isoformat() if assessment.approved_at else None,
        "answers": [
            {
                "question": a.question.text,
                "key": a.question.key,
                "cell": a.cell,
                "value": format_value(a.question, a.value),
                "source": str(a.source_interview or a.source_workshop or ""),
            }
            for a in answers
            if a.value is not None
        ],
        "impacts": {k: dict(sorted(v.items())) for k, v in sorted(aset.impacts.items())},
        "mtpd_hours": derived.mtpd_hours,
        "mtpd_reasoning": derived.mtpd_reasoning,
        "rpo_hours": derived.rpo_hours,
        "rpo_reasoning": derived.rpo_reasoning,
        "stated_mtpd_hours": aset.mtpd_stated_hours,
        "minimum_service_level_percent": aset.minimum_service_level_percent,
        "it_services": list(aset.it_services),
    }


def _settings_part(impact_settings: ImpactSettings | None) -> dict[str, Any]:
    horizons = list(impact_settings.horizons_hours) if impact_settings else []
    return {
        "horizons_hours": horizons,
        "horizons": [format_hours(h) for h in horizons],
        "threshold": impact_settings.threshold if impact_settings else None,
        "peak_uplift": impact_settings.peak_uplift if impact_settings else None,
        "currency": impact_settings.currency if impact_settings else "",
    }


def _category_part(category: ImpactCategory) -> dict[str, Any]:
    return {
        "key": category.key,
        "name": category.name,
        "is_financial": category.is_financial,
        "levels": [
            {
                "level": i,
                "description": text,
                "amount": category.level_amounts[i]
                if category.is_financial and category.level_amounts
                else None,
            }
            for i, text in enumerate(category.level_descriptions)
        ],
    }


def _campaigns_part(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "due_date": c.due_date.isoformat(),
            "status": c.status,
            "functions": c.total,
            "submitted_or_approved": c.done,
        }
        for c in campaigns_for_list(plan)
    ]
