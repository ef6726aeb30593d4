"""Forms of the questionnaire editor; each save makes a new revision."""

from __future__ import annotations

from typing import Any

from django import forms

from bcp.form_parts import submit_helper
from bcp.forms import ChangeReasonMixin, VersionedFormMixin, choice_field
from bia.models import (
    QuestionnaireTemplate,
    QuestionRole,
    QuestionType,
)
from bia.services.questionnaires import QuestionFields


class QuestionForm(VersionedFormMixin, ChangeReasonMixin):
    section = forms.TypedChoiceField(coerce=int)
    key = forms.SlugField(
        label="Identifier",
        max_length=60,
        help_text="Short, without spaces, kept across revisions and used in exports; "
        "e.g. backup_window.",
    )
    text = forms.CharField(max_length=500, label="Question")
    help = forms.CharField(
        label="Help text",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Shown under the question, e.g. an example answer.",
    )
    qtype = forms.ChoiceField(choices=QuestionType.choices, label="Type")
    role = forms.ChoiceField(
        choices=QuestionRole.choices,
        required=False,
        label="Meaning for the analysis",
        help_text="Lets the analysis read the answer whatever the wording.",
    )
    required = forms.BooleanField(
        required=False, label="An answer is required before the BIA can be submitted"
    )
    choices = forms.CharField(
        label="Choices",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For choice questions: one choice per line.",
    )
    minimum = forms.FloatField(
        label="Lowest accepted number", required=False, help_text="For number questions."
    )
    maximum = forms.FloatField(
        label="Highest accepted number", required=False, help_text="For number questions."
    )

    def __init__(self, *args: Any, template: QuestionnaireTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "section").choices = [
            (s.order, s.title) for s in template.sections.order_by("order")
        ]
        if not self.is_bound:
            self.initial.setdefault("version", template.version)
        self.helper = submit_helper("Save as new revision", self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lo, hi = data.get("minimum"), data.get("maximum")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("maximum", "The maximum must not be below the minimum.")
        return data

    def question_fields(self) -> QuestionFields:
        data = self.cleaned_data
        return {
            "key": data["key"],
            "text": data["text"],
            "help": data["help"],
            "qtype": data["qtype"],
            "role": data["role"] or "",
            "required": data["required"],
            "choices": [line.strip() for line in data["choices"].splitlines() if line.strip()],
            "minimum": data["minimum"],
            "maximum": data["maximum"],
        }


class SectionForm(VersionedFormMixin):
    title = forms.CharField(max_length=200)
    help = forms.CharField(
        label="Help text",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Shown under the section title.",
    )

    def __init__(self, *args: Any, template: QuestionnaireTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("version", template.version)
        self.helper = submit_helper("Add section (new revision)", self)
