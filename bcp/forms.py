"""Forms for plans, members and users."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone

from bcp.concurrency import parse_version
from bcp.models import DEFAULT_REVIEW_INTERVAL_MONTHS, Membership, Plan, Role
from bcp.services import PLAN_EDITABLE_FIELDS
from bcp.starting import Start, StartingPoint, copy_sources
from bia.defaults import DEFAULT_CATEGORIES
from bia.models import default_horizons
from inventory.techniques import default_techniques


def model_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """A model choice field of ``form``, typed so its queryset can be narrowed to the plan.

    ``form.fields`` holds plain ``Field``s to the type checker; the field declared (or made
    from the model) under ``name`` is a model choice field.
    """
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of ``form``, typed so its choices can be set when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class ChangeReasonMixin(forms.Form):
    """Every edit form asks why; the answer goes into change history."""

    reason = forms.CharField(
        label="Reason for change",
        required=False,
        max_length=500,
        help_text="Optional. Recorded in the change history with your name.",
    )
    ticket = forms.CharField(
        label="Ticket",
        required=False,
        max_length=64,
        help_text="Optional change ticket id (e.g. CHG-1042).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.put_reason_last()

    def put_reason_last(self) -> None:
        """What is changed comes first, why last (forms that add fields later call this again)."""
        why: list[str] = [name for name in ("reason", "ticket") if name in self.fields]
        self.order_fields([name for name in self.fields if name not in why] + why)


class VersionField(forms.Field):
    """The hidden version an edit started from; missing or malformed cleans to None.

    It never raises a field error (the field is hidden, so the user could not see
    one): :func:`bcp.concurrency.save_if_current` treats None as a conflict and
    shows the record as it is now, which is what the user needs to decide.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        return parse_version(value)


class VersionedFormMixin(forms.Form):
    """Carries the version the user started from, for optimistic locking."""

    version = VersionField()


class PlanRecordForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    """Create/edit form of one record of ``plan``: an existing record's form starts from the
    version it was read at; subclasses fill further starting values in
    :meth:`start_from_record` and narrow choices to the plan in :meth:`limit_choices`."""

    def __init__(self, *args: Any, plan: Plan, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            self.start_from_record()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))
        self.limit_choices()

    def start_from_record(self) -> None:
        """Starting values, besides the version, of a form editing an existing record."""

    def limit_choices(self) -> None:
        """Offer only the plan's own records in the form's choices."""


class PlanForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = list(PLAN_EDITABLE_FIELDS)
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 4}),
            "next_review": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        # Compared with the stored date, not with a hidden copy of the default (which a
        # callable model default would otherwise add to the page).
        self.fields["next_review"].show_hidden_initial = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label))

    def clean_next_review(self) -> datetime.date | None:
        """A date being set must not be past; an overdue date left as it was is kept."""
        value: datetime.date | None = self.cleaned_data.get("next_review")
        changed = "next_review" in self.changed_data
        if value is not None and changed and value < timezone.localdate():
            raise forms.ValidationError(
                f"{value:%d %b %Y} has passed: choose today or a later date."
            )
        return value


def _standard_start_label() -> str:

    return (
        f"{Start.DEFAULTS.label} (recommended): impact scales with {len(DEFAULT_CATEGORIES)} "
        f"categories over {len(default_horizons())} time horizons, the default BIA "
        f"questionnaire and {len(default_techniques())} standard HA techniques"
    )


class PlanCreateForm(PlanForm):
    """A new plan's fields and the starting point it is set up with in the same step."""

    start = forms.ChoiceField(
        label="Start with",
        widget=forms.RadioSelect,
        initial=Start.DEFAULTS,
        help_text="Each part can be changed later: impact scales and questionnaires under "
        "BIA, techniques under Inventory. Nothing people answered or recorded is copied.",
    )
    copy_from = forms.ModelChoiceField(
        label="Plan to copy from",
        queryset=Plan.objects.none(),
        required=False,
        empty_label="— choose a plan —",
        help_text="Its impact scales, questionnaires, HA techniques and analysis settings, "
        "as edited there.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, submit_label="Create plan", **kwargs)
        next_review = self.fields["next_review"]
        next_review.required = False
        next_review.help_text = "Leave empty for one review interval from today."
        self.initial["next_review"] = None
        interval = self.fields["review_interval_months"]
        interval.required = False
        interval.help_text += " Leave empty for every 12 months."
        sources = copy_sources(user)
        choices = [(Start.DEFAULTS.value, _standard_start_label())]
        if sources.exists():
            model_field(self, "copy_from").queryset = sources
            choices.append(
                (Start.COPY.value, f"{Start.COPY.label}: one you are a member of, chosen below")
            )
        else:
            del self.fields["copy_from"]
        choices.append((Start.EMPTY.value, Start.EMPTY.label))
        choice_field(self, "start").choices = choices
        self.put_reason_last()
        # The plan to copy from is hidden (by static/js/continuity.js) unless "copy" is chosen.
        self.helper.layout = Layout(
            *(
                Div(name, data_shown_when=f"start={Start.COPY.value}")
                if name == "copy_from"
                else name
                for name in self.fields
            )
        )

    def clean_review_interval_months(self) -> int:
        value: int | None = self.cleaned_data.get("review_interval_months")
        return DEFAULT_REVIEW_INTERVAL_MONTHS if value is None else value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") == Start.COPY and not data.get("copy_from"):
            self.add_error("copy_from", "Choose the plan whose settings to copy.")
        return data

    def starting_point(self) -> StartingPoint:
        kind = Start(self.cleaned_data["start"])
        source = self.cleaned_data.get("copy_from") if kind == Start.COPY else None
        return StartingPoint(kind=kind, source=source)


class MemberAddForm(ChangeReasonMixin):
    username = forms.CharField(
        label="Username or email", max_length=254, help_text="An existing Continuity login."
    )
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Add member"))

    def clean_username(self) -> Any:
        value = self.cleaned_data["username"].strip()
        user_model = get_user_model()
        user = (
            user_model.objects.filter(username__iexact=value).first()
            or user_model.objects.filter(email__iexact=value).first()
        )
        if user is None:
            raise forms.ValidationError(
                f"No user '{value}'. Ask a staff member to create the login first."
            )
        if Membership.objects.filter(plan=self.plan, user=user).exists():
            raise forms.ValidationError(f"{user} is already a member of this plan.")
        self.cleaned_data["member"] = user
        return value


class MemberRoleForm(VersionedFormMixin, ChangeReasonMixin):
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Change role"))


class ReasonOnlyForm(ChangeReasonMixin):
    def __init__(self, *args: Any, submit_label: str = "Confirm", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label, css_class="btn-danger"))


class InvitationForm(PasswordResetForm):
    """The password-reset email, sent to a new user who has no password yet."""

    def __init__(self, *args: Any, invitee: Any, **kwargs: Any) -> None:
        super().__init__({"email": invitee.email}, *args, **kwargs)
        self.invitee = invitee

    def get_users(self, email: str) -> Any:
        return [self.invitee] if self.invitee.is_active else []


class UserCreateForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    is_staff = forms.BooleanField(required=False, label="Staff (administers users)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Create user and email a set-password link"))

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken.")
        return username


class PortfolioForm(forms.Form):
    """How the portfolio is sorted and which plans it shows (from the query string)."""

    SORTS = (
        ("name", "Plan"),
        ("bia", "BIAs reviewed"),
        ("analysis", "Analysis"),
        ("gaps", "Gaps open"),
        ("signoff", "Sign-off"),
        ("review", "Next review"),
        ("procedures", "Procedures fit RTO"),
        ("exercises", "Exercises overdue"),
        ("reviews", "Reviews waiting"),
    )
    SHOWS = (
        ("all", "All plans"),
        ("attention", "Needing attention"),
        ("bia", "BIAs not all reviewed"),
        ("analysis", "Analysis stale or not run"),
        ("gaps", "Critical or high gaps open"),
        ("signoff", "Not signed off"),
        ("review", "Review overdue"),
        ("procedures", "Procedures not fitting the RTO"),
        ("exercises", "Exercises overdue"),
        ("reviews", "Reviews waiting for owners"),
        ("changed", "Changed since the published version"),
    )

    q = forms.CharField(label="Plan name contains", required=False, max_length=100)
    show = forms.ChoiceField(label="Show", choices=SHOWS, required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)
    order = forms.ChoiceField(
        label="Order", choices=(("asc", "Ascending"), ("desc", "Descending")), required=False
    )

    def options(self) -> dict[str, Any]:
        """The cleaned choices, defaults for those not given (call after is_valid)."""
        data = self.cleaned_data
        return {
            "name": data.get("q") or "",
            "show": data.get("show") or "all",
            "sort": data.get("sort") or "name",
            "descending": data.get("order") == "desc",
        }
