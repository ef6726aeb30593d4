"""Forms of the BIA pages. Validation of meaning lives in the services; these parse input."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from bcp.forms import ChangeReasonMixin, VersionedFormMixin
from bcp.models import Plan
from bcp.permissions import FUNCTION_OWNER_ROLES
from bia.durations import format_horizons, parse_duration_hours, parse_horizons
from bia.models import (
    BusinessFunction,
    Criticality,
    DependencyKind,
    ImpactCategory,
    ImpactSettings,
    QuestionnaireTemplate,
    QuestionRole,
    QuestionType,
)
from bia.services.questionnaires import QuestionFields


def plan_people(plan: Plan) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(memberships__plan=plan)
        .order_by("first_name", "last_name", "username")
    )


def function_owner_candidates(plan: Plan) -> QuerySet[Any]:
    """People who may own a function: the plan's managers and stakeholders (auditors
    look, they do not answer BIAs)."""
    return plan_people(plan).filter(
        memberships__plan=plan, memberships__role__in=FUNCTION_OWNER_ROLES
    )


def _model_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """A model choice field of ``form``, typed so its queryset can be narrowed to the plan."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


MAX_ID = 2**63 - 1  # anything larger would overflow the database's integer columns


def parse_id(value: str | None) -> int | None:
    """A non-negative integer id from a form value, or None."""
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number <= MAX_ID else None


def _check_ids(field: forms.Field, values: Any) -> None:
    """Refuse ids the database cannot hold before they reach a query (SQLite overflows)."""
    for value in values if isinstance(values, list | tuple) else [values]:
        if value in field.empty_values:
            continue
        text = str(value)
        if not text.isdigit() or int(text) > MAX_ID:
            raise forms.ValidationError(
                "Select a valid choice; that is not one of the available choices.",
                code="invalid_choice",
            )


class SafeModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        _check_ids(self, value)
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        _check_ids(self, value)
        return super().clean(value)


class PersonChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


def _helper(label: str, form: forms.BaseForm | None = None) -> FormHelper:
    """A submit button; the reason and ticket fields, when present, move to the end."""
    if form is not None:
        last: list[str] = [name for name in ("reason", "ticket") if name in form.fields]
        form.order_fields([name for name in form.fields if name not in last] + last)
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class DurationField(forms.CharField):
    """Accepts "4 h", "2 d", "90 min"; a bare number is hours. Cleans to hours."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_duration_hours(str(text))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, float | int):
            return f"{value:g} h"
        return value


class FunctionForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    workaround_hours = DurationField(
        label="Workaround holds for",
        required=False,
        help_text="How long the manual procedure can hold, e.g. 8 h or 2 d.",
    )

    class Meta:
        model = BusinessFunction
        fields = [
            "name",
            "description",
            "owner",
            "criticality",
            "peak_periods",
            "workaround",
            "workaround_hours",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "peak_periods": forms.Textarea(attrs={"rows": 2}),
            "workaround": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"peak_periods": "When disruption hurts most"}
        field_classes = {"owner": PersonChoiceField}

    def __init__(self, *args: Any, plan: Plan, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "owner").queryset = function_owner_candidates(plan)
        _choice_field(self, "criticality").choices = Criticality.choices
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.helper = _helper(submit_label, self)

    def _post_clean(self) -> None:
        # Uniqueness and ranges are the service's job; skip the model's own checks here.
        pass


class DependencyForm(forms.Form):
    kind = forms.ChoiceField(choices=DependencyKind.choices, label="It depends on")
    depends_on = SafeModelChoiceField(
        queryset=BusinessFunction.objects.none(), required=False, label="Function"
    )
    name = forms.CharField(max_length=200, required=False, label="Supplier, person or skill")
    notes = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, function: BusinessFunction, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "depends_on").queryset = BusinessFunction.objects.filter(
            plan_id=function.plan_id
        ).exclude(pk=function.pk)
        self.helper = _helper("Add dependency", self)


class ImpactSettingsForm(VersionedFormMixin, ChangeReasonMixin):
    horizons = forms.CharField(
        label="Time horizons",
        help_text="Comma-separated and increasing, e.g. 1 h, 4 h, 1 d, 3 d, 1 w, 2 w, 1 mo.",
    )
    threshold = forms.IntegerField(
        label="Tolerance threshold",
        min_value=1,
        max_value=4,
        help_text="The severity (1–4) at which impact is no longer tolerable.",
    )
    peak_uplift = forms.IntegerField(
        label="Peak-period uplift (levels)",
        min_value=0,
        max_value=4,
        help_text="Levels added to the impacts of functions with peak periods.",
    )
    currency = forms.CharField(
        max_length=3, help_text="Three-letter ISO code for financial amounts, e.g. GBP or EUR."
    )

    def __init__(self, *args: Any, instance: ImpactSettings, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "horizons": format_horizons(list(instance.horizons_hours)),
                "threshold": instance.threshold,
                "peak_uplift": instance.peak_uplift,
                "currency": instance.currency,
                "version": instance.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save settings", self)

    def clean_horizons(self) -> list[float]:
        try:
            return parse_horizons(self.cleaned_data["horizons"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class CategoryForm(VersionedFormMixin, ChangeReasonMixin):
    name = forms.CharField(max_length=100)

    def __init__(
        self,
        *args: Any,
        instance: ImpactCategory | None = None,
        currency: str = "",
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial = {"name": instance.name, "version": instance.version}
            for level, text in enumerate(instance.level_descriptions):
                initial[f"level_{level}"] = text
            for level, amount in enumerate(instance.level_amounts or []):
                initial[f"amount_{level}"] = amount
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.creating = instance is None
        if self.creating:
            self.fields["key"] = forms.SlugField(
                label="Identifier",
                max_length=40,
                help_text="Short, without spaces, used in exports; e.g. environmental.",
            )
            self.fields["is_financial"] = forms.BooleanField(
                required=False, label="Levels are currency amounts"
            )
        financial = self.creating or (instance is not None and instance.is_financial)
        for level in range(5):
            self.fields[f"level_{level}"] = forms.CharField(
                label=f"Level {level}", max_length=300, widget=forms.TextInput
            )
            if financial:
                self.fields[f"amount_{level}"] = forms.DecimalField(
                    label=f"Level {level} from ({currency})" if currency else f"Level {level} from",
                    required=self.creating is False,
                    min_value=0,
                    decimal_places=2,
                )
        order = ["name", "key", "is_financial"]
        for level in range(5):
            order += [f"level_{level}", f"amount_{level}"]
        self.order_fields([*order, "reason", "ticket"])
        self.helper = _helper("Save scale" if not self.creating else "Add category", self)

    def descriptions(self) -> list[str]:
        return [self.cleaned_data[f"level_{i}"] for i in range(5)]

    def amounts(self) -> list[float | None]:
        values = [self.cleaned_data.get(f"amount_{i}") for i in range(5)]
        return [float(v) if v is not None else None for v in values]


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
        _choice_field(self, "section").choices = [
            (s.order, s.title) for s in template.sections.order_by("order")
        ]
        if not self.is_bound:
            self.initial.setdefault("version", template.version)
        self.helper = _helper("Save as new revision", self)

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
        self.helper = _helper("Add section (new revision)", self)


class FunctionsChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        owner = obj.owner.get_full_name() or obj.owner.username if obj.owner else "no owner"
        return f"{obj.name} ({owner})"


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    template = SafeModelChoiceField(
        queryset=QuestionnaireTemplate.objects.none(), label="Questionnaire"
    )
    due_date = forms.DateField(
        label="Answers due by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Owners are told this date; the campaign page shows who is late.",
    )
    functions = FunctionsChoiceField(
        queryset=BusinessFunction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Sent to each owner with the links to their BIAs.",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = QuestionnaireTemplate.objects.filter(plan=plan, is_latest=True)
        _model_field(self, "template").queryset = templates
        _model_field(self, "functions").queryset = BusinessFunction.objects.filter(
            plan=plan
        ).select_related("owner")
        if not self.is_bound:
            self.initial.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=14))
            first = templates.order_by("name", "pk").first()
            if first is not None:
                self.initial.setdefault("template", first.pk)
        self.helper = _helper("Send to owners", self)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="What needs to change"
    )


class InterviewForm(VersionedFormMixin, ChangeReasonMixin):
    function = SafeModelChoiceField(queryset=BusinessFunction.objects.none())
    interviewee = forms.CharField(max_length=200, help_text="Name and role.")
    interviewer = PersonChoiceField(
        queryset=get_user_model().objects.none(), label="Interviewed by"
    )
    held_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "function").queryset = BusinessFunction.objects.filter(plan=plan)
        _model_field(self, "interviewer").queryset = plan_people(plan)
        self.helper = _helper("Save interview", self)


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=200)
    held_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="Date"
    )
    functions = FunctionsChoiceField(
        queryset=BusinessFunction.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "functions").queryset = BusinessFunction.objects.filter(
            plan=plan
        ).select_related("owner")
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        self.helper = _helper("Start workshop", self)


class ActionForm(forms.Form):
    text = forms.CharField(max_length=500, label="Action")
    owner = PersonChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select", "id": "action-owner"}),
    )
    due_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        label="Due",
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "owner").queryset = plan_people(plan)
