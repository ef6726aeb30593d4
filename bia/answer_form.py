"""The autosave form of one BIA answer or one impact-grid cell.

The questionnaire page and the workshop screen post it with htmx on every change. It
keeps what was typed exactly as sent (the service cleans it) so an error or a conflict
can show it back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.shortcuts import get_object_or_404

from bcp.concurrency import parse_version
from bia.forms.common import parse_id
from bia.models import Assessment, Interview, Question, Workshop


class _AsSent(forms.Field):
    """The submitted text untouched (no stripping, no length or NUL checks), or None."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> str | None:
        return None if value is None else str(value)


class _AllValues(forms.Field):
    """Every value submitted under the name, in order (multiple choices send several)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


@dataclass(frozen=True)
class AnswerSubmission:
    question: Question
    cell: str
    raw: list[str]
    version: int | None
    interview: Interview | None
    workshop: Workshop | None
    cite: bool
    workshop_id: int | None  # set when saved from the workshop screen
    resolve: bool  # the user chose a side of a conflict


class AnswerForm(forms.Form):
    """Never drawn as a whole: the answer widgets post these names, so every field is hidden."""

    question = _AsSent(required=False)
    cell = _AsSent(required=False)
    value = _AllValues(required=False)
    version = _AsSent(required=False)
    source = _AsSent(required=False)
    workshop = _AsSent(required=False)
    resolve = _AsSent(required=False)

    def __init__(self, data: Any = None, *, assessment: Assessment) -> None:
        super().__init__(data)
        self.assessment = assessment

    def clean_question(self) -> Question:
        question = (
            Question.objects.select_related("section")
            .filter(
                pk=parse_id(self.cleaned_data["question"]) or 0,
                section__template=self.assessment.template,
            )
            .first()
        )
        if question is None:
            raise forms.ValidationError("Say which question of this BIA you are answering.")
        return question

    def submission(self) -> AnswerSubmission:
        """The valid form as the service takes it; a cited interview or workshop that is
        not the plan's is a 404."""
        data = self.cleaned_data
        interview, workshop = self._cited_source(data["source"] or "")
        cite = "source" in self.data
        workshop_id = parse_id(data["workshop"])
        if workshop_id:
            workshop = get_object_or_404(Workshop, pk=workshop_id, plan=self.assessment.plan)
            interview, cite = None, True
        return AnswerSubmission(
            question=data["question"],
            cell=(data["cell"] or "").replace("\x00", ""),
            raw=data["value"],
            version=parse_version(data["version"]),
            interview=interview,
            workshop=workshop,
            cite=cite,
            workshop_id=workshop_id,
            resolve=bool(data["resolve"]),
        )

    def _cited_source(self, text: str) -> tuple[Interview | None, Workshop | None]:
        kind, _, text_pk = text.partition(":")
        pk = parse_id(text_pk)
        if not pk:
            return None, None
        plan = self.assessment.plan
        if kind == "interview":
            return get_object_or_404(Interview, pk=pk, plan=plan), None
        if kind == "workshop":
            return None, get_object_or_404(Workshop, pk=pk, plan=plan)
        return None, None
