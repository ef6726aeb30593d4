"""The autosave endpoint of one answer or one impact-grid cell."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from bcp.concurrency import EditConflict
from bcp.http import PlanRequest
from bcp.permissions import Capability, plan_required
from bia.answer_form import AnswerForm, AnswerSubmission
from bia.models import Answer, Assessment, QuestionType
from bia.selectors import assessments as assessment_selectors
from bia.selectors import scales as scale_selectors
from bia.services import answers as answer_services
from bia.views.assessments import answer_sources, assessment_of


@require_POST
@plan_required(Capability.ANSWER)
def answer_save(request: PlanRequest, assessment_pk: int) -> HttpResponse:
    """Autosave one answer or one grid cell; the fragment says saved, an error, or a conflict."""
    assessment = assessment_of(request, assessment_pk)
    form = AnswerForm(request.POST, assessment=assessment)
    if not form.is_valid():
        return HttpResponseBadRequest("Say which question of this BIA you are answering.")
    posted = form.submission()
    try:
        answer = answer_services.answer_save(
            assessment=assessment,
            question=posted.question,
            cell=posted.cell,
            raw=posted.raw,
            user=request.user,
            expected_version=posted.version,
            source_interview=posted.interview,
            source_workshop=posted.workshop,
            cite=posted.cite,
        )
    except EditConflict as exc:
        stored = exc.instance
        assert isinstance(stored, Answer)
        return _answer_fragment(request, assessment, posted, stored, status=409, conflict=exc)
    except ValidationError as exc:
        stored_answer = assessment_selectors.stored_answer(assessment, posted.question, posted.cell)
        error = " ".join(exc.messages)
        return _answer_fragment(request, assessment, posted, stored_answer, status=422, error=error)
    return _answer_fragment(request, assessment, posted, answer, status=200)


def _answer_fragment(
    request: PlanRequest,
    assessment: Assessment,
    posted: AnswerSubmission,
    answer: Answer | None,
    *,
    status: int,
    error: str = "",
    conflict: EditConflict | None = None,
) -> HttpResponse:
    question, raw = posted.question, posted.raw
    context: dict[str, Any] = {
        "assessment": assessment,
        "question": question,
        "answer": answer,
        "cell": posted.cell,
        "error": error,
        "conflict": conflict,
        "yours": raw,
        "yours_display": ", ".join(raw),
        "theirs_display": assessment_selectors.format_value(question, answer.value)
        if answer
        else "",
        "theirs_raw": assessment_selectors.raw_value(question, answer.value) if answer else "",
        "saved": status == 200,
        "editable": True,
        "workshop_id": posted.workshop_id or "",
        "sources": answer_sources(assessment),
    }
    if conflict is not None:
        context["theirs_vals"], context["yours_vals"] = assessment_selectors.conflict_choices(
            question,
            yours=raw,
            theirs=answer,
            cell=posted.cell,
            version=conflict.current_version,
            workshop_id=posted.workshop_id,
        )
    retarget = ""
    if question.qtype == QuestionType.IMPACT_GRID:
        _impact_settings, categories = scale_selectors.impact_scales(assessment.plan)
        category_key, _, hours = posted.cell.partition("@")
        category = {c.key: c for c in categories}.get(category_key)
        if category is None:
            return render(request, "bia/_answer_status.html", context, status=status)
        gridcell = assessment_selectors.GridCell(posted.cell, category, float(hours), answer)
        context["gridcell"] = gridcell
        # A saved cell only updates its status and version, so keyboard focus and keys
        # pressed meanwhile are untouched; errors and conflicts redraw the whole cell.
        if status == 200 and not posted.resolve:
            template = "bia/_grid_cell_status.html"
        else:
            template = "bia/_grid_cell.html"
            retarget = f"#{gridcell.dom_id}-{assessment.pk}"
    else:
        context["view"] = assessment_selectors.QuestionView(question, answer)
        template = "bia/_answer_field.html" if posted.resolve else "bia/_answer_status.html"
    response = render(request, template, context, status=status)
    if retarget:
        response["HX-Retarget"] = retarget
        response["HX-Reswap"] = "outerHTML"
    if status == 200:
        response["HX-Trigger"] = "bia-answer-saved"
    return response
