"""Forms of the documents app. Edit forms ask why and carry the version they started from."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from bcp.forms import ChangeReasonMixin, PlanRecordForm, VersionedFormMixin, model_field
from bcp.models import Plan, Role
from bia.models import BusinessFunction
from documents.models import (
    CallTreeEntry,
    Contact,
    DocumentSettings,
    Exercise,
    ProcedureStep,
    RecoveryProcedure,
    Vendor,
)

# Uploads larger than this are not PDFs we issued (a 100-page plan is a few MB).
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class PeopleField(forms.ModelMultipleChoiceField):
    """People to tick, shown by their full name (their username when they have none)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class RecordForm(PlanRecordForm):
    """Create/edit form of one plan record; ``plan`` limits the choices to this plan."""

    def limit_choices(self) -> None:
        if "function" in self.fields:
            field = model_field(self, "function")
            field.queryset = BusinessFunction.objects.filter(plan=self.plan)
            field.empty_label = "— all functions / none —"

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ContactForm(RecordForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "organisation", "phone", "alternate_phone", "email", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"alternate_phone": "Other phone"}


class CallTreeEntryForm(RecordForm):
    class Meta:
        model = CallTreeEntry
        fields = ["contact", "parent", "position", "responsibility"]
        labels = {"parent": "Called by"}

    def limit_choices(self) -> None:
        model_field(self, "contact").queryset = Contact.objects.filter(plan=self.plan)
        parents = CallTreeEntry.objects.filter(plan=self.plan).select_related("contact")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        parent = model_field(self, "parent")
        parent.queryset = parents
        parent.empty_label = "— first person called —"


class VendorForm(RecordForm):
    class Meta:
        model = Vendor
        fields = [
            "name",
            "service",
            "contract_reference",
            "support_phone",
            "support_email",
            "support_hours",
            "response_time",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "contract_reference": "Contract reference",
            "support_phone": "Support phone",
            "support_email": "Support email",
            "support_hours": "Support hours",
            "response_time": "Agreed response time",
        }


class ProcedureForm(RecordForm):
    class Meta:
        model = RecoveryProcedure
        fields = ["function", "phase", "title", "position", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class StepForm(RecordForm):
    class Meta:
        model = ProcedureStep
        fields = ["position", "instruction", "owner", "expected_minutes"]
        widgets = {"instruction": forms.Textarea(attrs={"rows": 3})}
        labels = {"expected_minutes": "Expected duration (minutes)"}

    def limit_choices(self) -> None:
        return None


class ExerciseForm(RecordForm):
    class Meta:
        model = Exercise
        fields = [
            "title",
            "kind",
            "function",
            "scheduled_for",
            "scope",
            "outcome",
            "held_on",
            "objective_minutes",
            "actual_minutes",
            "findings",
        ]
        widgets = {
            "scheduled_for": forms.DateInput(attrs={"type": "date"}),
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "kind": "Type of exercise",
            "scheduled_for": "Scheduled for",
            "held_on": "Held on",
            "objective_minutes": "Recovery time objective (minutes)",
            "actual_minutes": "Recovery time achieved (minutes)",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome and outcome != Exercise.Outcome.PLANNED and not data.get("held_on"):
            self.add_error(
                "held_on", "Say when the exercise was held before recording its outcome."
            )
        held = data.get("held_on")
        if held and held > timezone.localdate():
            self.add_error("held_on", "An exercise cannot have been held in the future.")
        return data


class DeleteForm(ChangeReasonMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Delete", css_class="btn-danger"))


class PublishForm(forms.Form):
    note = forms.CharField(
        label="What changed in this version",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Printed in the document control table and recorded in the history.",
    )
    limitations_reason = forms.CharField(
        label="Why publish with the open items",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the checklist has open items: printed with the known "
        "limitations and recorded in the history.",
    )


class SignOffRequestForm(forms.Form):
    stakeholders = PeopleField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Approvers to ask",
        help_text="The people named on this version's cover who have not been asked yet.",
    )
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        plan: Plan,
        approvers: Iterable[int] = (),
        asked: Iterable[int] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        users = (
            get_user_model()
            .objects.filter(pk__in=list(approvers))
            .exclude(pk__in=list(asked))
            .order_by("last_name", "first_name", "username")
        )
        model_field(self, "stakeholders").queryset = users
        if not self.is_bound:
            self.initial["stakeholders"] = list(users)
        self.helper = _helper("Request sign-off")

    def clean_due_date(self) -> datetime.date:
        due: datetime.date = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return due


class DecisionForm(VersionedFormMixin):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve this version"), ("reject", "Reject: return it to draft")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when rejecting: say what must change.",
    )
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Record my decision")
        self.helper.form_tag = False  # the page wraps it, posting to the decide URL

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what must change, so the plan can be corrected.")
        return data


class VerifyForm(forms.Form):
    document = forms.FileField(
        required=False,
        label="PDF document",
        help_text="Up to 25 MB. The file is hashed and discarded; it is not stored.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    sha256 = forms.CharField(
        required=False,
        label="…or its sha256",
        max_length=80,
        help_text="64 hexadecimal characters, e.g. from sha256sum.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Verify")
        self.helper.form_tag = False  # the page's form carries enctype for the upload

    def clean_document(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("document")
        if not upload:
            return upload
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "This file is larger than 25 MB; no plan of ours is that big."
            )
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("This is not a PDF file.")
        return upload

    def clean_sha256(self) -> str:
        value: str = (self.cleaned_data.get("sha256") or "").strip().lower()
        if value and not SHA256_RE.match(value):
            raise forms.ValidationError("A sha256 is 64 hexadecimal characters (0-9, a-f).")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("document") and not data.get("sha256"):
            raise forms.ValidationError("Upload a PDF or paste its sha256.")
        return data


class DocumentSettingsForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    """Who must approve the plan's versions, and the paper its documents use."""

    approvers = PeopleField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="People named as approvers",
        help_text="Used when the policy is “the people named below”; stakeholders and "
        "managers of the plan can be named.",
    )

    field_order = ["approver_policy", "approvers", "paper_size", "reason", "ticket"]

    class Meta:
        model = DocumentSettings
        fields = ["approver_policy", "paper_size"]
        widgets = {"approver_policy": forms.RadioSelect}
        labels = {"paper_size": "Paper size of the PDF"}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            get_user_model()
            .objects.filter(
                memberships__plan=plan, memberships__role__in=(Role.STAKEHOLDER, Role.MANAGER)
            )
            .order_by("last_name", "first_name", "username")
        )
        model_field(self, "approvers").queryset = people
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else None
            self.initial["approvers"] = list(
                people.filter(approver_of__plan=plan).values_list("pk", flat=True)
            )
        self.helper = _helper("Save settings")
