"""The BIA's part of the plan document (:class:`bcp.contract.BiaPart`).

Each function appears once, with what its reviewed BIA (the latest approved, else the
latest submitted) says; a function without one has ``review`` None and the document
says so. Peak periods and the workaround come from the reviewed answers when they give
them, else from the function's own record — the same rule the analysis uses.
"""

from __future__ import annotations

from analysis.engine.objectives import maximum_tolerable_period
from bcp import contract
from bcp.models import Plan
from bia.models import (
    Assessment,
    AssessmentState,
    BusinessFunction,
    ImpactCategory,
    ImpactSettings,
)
from bia.selectors.answers import (
    AnswerSet,
    _role_answers_by_assessment,
    answer_set,
    impact_assessment_from,
    reviewed_by_function,
)
from bia.selectors.scales import impact_scales

REVIEW_STATES = {
    AssessmentState.APPROVED: "Approved",
    AssessmentState.SUBMITTED: "Submitted, not yet approved",
}


def _review(
    assessment: Assessment,
    answers: AnswerSet,
    impact_settings: ImpactSettings,
    categories: list[ImpactCategory],
    horizons: int,
) -> contract.BiaReview:
    engine_input = impact_assessment_from(answers, impact_settings, categories)
    worst: list[int | None] = [None] * horizons
    for levels in engine_input.impacts.values():
        for index, level in enumerate(levels[:horizons]):
            current = worst[index]
            worst[index] = level if current is None else max(current, level)
    reviewed_at = assessment.approved_at or assessment.submitted_at
    return contract.BiaReview(
        state=REVIEW_STATES[AssessmentState(assessment.state)],
        revision=assessment.revision,
        reviewed_on=reviewed_at.date().isoformat() if reviewed_at else None,
        mtpd_hours=maximum_tolerable_period(engine_input).hours if engine_input.impacts else None,
        data_loss_tolerance_hours=answers.data_loss_tolerance_hours,
        minimum_service_level_percent=answers.minimum_service_level_percent,
        worst_impact=tuple(worst),
        it_services=answers.it_services,
    )


def document_part(plan: Plan) -> contract.BiaPart:
    """The plan's business impact analysis as the document prints it (a fixed number of queries)."""
    impact_settings, categories = impact_scales(plan)
    horizons = tuple(float(h) for h in impact_settings.horizons_hours) if impact_settings else ()
    reviewed = reviewed_by_function(plan)
    grouped = _role_answers_by_assessment([a.pk for a in reviewed.values()])
    functions = []
    for function in (
        BusinessFunction.objects.filter(plan=plan).select_related("owner").order_by("name", "pk")
    ):
        assessment = reviewed.get(function.pk)
        answers = answer_set(assessment, grouped.get(assessment.pk, [])) if assessment else None
        owner = function.owner
        functions.append(
            contract.BiaFunction(
                name=function.name,
                owner=(owner.get_full_name() or owner.get_username()) if owner else "",
                criticality=function.get_criticality_display(),
                peak_periods=answers.peak_periods if answers else function.peak_periods,
                workaround=answers.workaround if answers else function.workaround,
                workaround_hours=answers.workaround_hours if answers else function.workaround_hours,
                review=_review(assessment, answers, impact_settings, categories, len(horizons))
                if assessment is not None and answers is not None and impact_settings is not None
                else None,
            )
        )
    levels = [len(c.level_descriptions) for c in categories if c.level_descriptions]
    return contract.BiaPart(
        horizons_hours=horizons,
        threshold=impact_settings.threshold if impact_settings else None,
        top_level=(max(levels) - 1) if levels else 4,
        categories=tuple(c.name for c in categories),
        functions=tuple(functions),
    )
