"""Forms for people, their deputies, suppliers and a function's need for either."""

from __future__ import annotations

from typing import Any

from django import forms

from bcp.forms import ChangeReasonMixin, VersionedFormMixin
from bcp.models import Plan
from inventory.forms import _helper
from inventory.people_models import NeededTo, NeedKind, Person, Role, Supplier


class PersonForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    deputies = forms.CharField(
        label="Deputies who can stand in",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="People who can stand in, one name per line, first asked first. A deputy "
        "stands in with their own deputies behind them.",
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "role",
            "contact",
            "absence_days_per_year",
            "handover_hours",
            "recall_hours",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, plan: Plan, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = _helper(submit_label)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial["deputies"] = "\n".join(
                link.deputy.name for link in self.instance.deputy_links.select_related("deputy")
            )

    def validate_unique(self) -> None:
        return None  # the services word name clashes for people

    def clean_deputies(self) -> list[Person]:
        text = self.cleaned_data.get("deputies") or ""
        names = [line.strip() for line in text.splitlines() if line.strip()]
        found = {p.name: p for p in Person.objects.filter(plan=self.plan, name__in=names)}
        unknown = [n for n in names if n not in found]
        if unknown:
            raise forms.ValidationError(
                "No person named " + ", ".join(f"“{n}”" for n in unknown) + " in this plan."
            )
        return [found[n] for n in names]


class SupplierForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    class Meta:
        model = Supplier
        fields = [
            "name",
            "service",
            "contract_reference",
            "service_availability_percent",
            "contract_rto_hours",
            "contract_rpo_hours",
            "support_hours",
            "contact",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "contract_reference": "Contract number or reference",
            "support_hours": "Supplier's support hours",
        }

    def __init__(self, *args: Any, plan: Plan, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = _helper(submit_label)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def validate_unique(self) -> None:
        return None


class PeopleNeedForm(ChangeReasonMixin):
    """A function needs a key person (or role holder) or a supplier, by name."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label="Key person needed"
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.none(),
        required=False,
        label="Or a role needed",
        help_text="A role held by several people: enough of its holders must be reachable.",
    )
    supplier = forms.ModelChoiceField(
        queryset=Supplier.objects.none(), required=False, label="Or a supplier needed"
    )
    need = forms.ChoiceField(
        choices=NeedKind.choices, initial=NeedKind.FULL, label="Needed for full or degraded service"
    )
    needed_to = forms.ChoiceField(
        choices=NeededTo.choices,
        initial=NeededTo.RECOVER,
        required=False,
        label="A person or role is needed",
        help_text="To recover: the function keeps running while they are away, but its "
        "recovery waits for them or a deputy. To operate: their absence stops it. "
        "(Not asked of suppliers.)",
    )
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        person, role, supplier = self.fields["person"], self.fields["role"], self.fields["supplier"]
        assert isinstance(person, forms.ModelChoiceField)
        assert isinstance(role, forms.ModelChoiceField)
        assert isinstance(supplier, forms.ModelChoiceField)
        person.queryset = Person.objects.filter(plan=plan)
        role.queryset = Role.objects.filter(plan=plan)
        supplier.queryset = Supplier.objects.filter(plan=plan)
        self.helper = _helper("Add need")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if sum(bool(data.get(f)) for f in ("person", "role", "supplier")) != 1:
            # On the first of the fields, so it is marked invalid, names the message and
            # takes focus when the form comes back.
            self.add_error("person", "Choose one person, role or supplier.")
        data["needed_to"] = data.get("needed_to") or NeededTo.RECOVER
        return data


class RoleForm(VersionedFormMixin, ChangeReasonMixin, forms.ModelForm):
    holders = forms.CharField(
        label="Holders",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The key people who hold the role, one name per line. A holder with "
        "deputies is reachable through them.",
    )

    class Meta:
        model = Role
        fields = ["name", "holders_needed", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"holders_needed": "Holders who must be reachable"}

    def __init__(self, *args: Any, plan: Plan, submit_label: str = "Save", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = _helper(submit_label)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial["holders"] = "\n".join(
                link.person.name for link in self.instance.holder_links.select_related("person")
            )

    def validate_unique(self) -> None:
        return None  # the services word name clashes for roles

    def clean_holders(self) -> list[Person]:
        text = self.cleaned_data.get("holders") or ""
        names = [line.strip() for line in text.splitlines() if line.strip()]
        found = {p.name: p for p in Person.objects.filter(plan=self.plan, name__in=names)}
        unknown = [n for n in names if n not in found]
        if unknown:
            raise forms.ValidationError(
                "No person named " + ", ".join(f"“{n}”" for n in unknown) + " in this plan."
            )
        return [found[n] for n in names]
