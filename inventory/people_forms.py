"""Forms for people, their deputies, suppliers and a function's need for either."""

from __future__ import annotations

from typing import Any

from django import forms

from bcp.forms import ChangeReasonMixin
from bcp.models import Plan
from inventory.forms import NamesField, PlanRecordForm, _helper, no_such_names
from inventory.people_models import Need, NeededTo, Person, Role, Supplier
from inventory.people_services import PERSON_FIELDS, SUPPLIER_FIELDS
from inventory.role_services import ROLE_FIELDS
from inventory.selectors import deputy_names, people_named


def _people(plan: Plan, text: str) -> list[Person]:
    """The people of ``plan`` named one per line of ``text``, in that order."""
    people, unknown = people_named(plan, [n.strip() for n in text.splitlines() if n.strip()])
    if unknown:
        raise forms.ValidationError(no_such_names("person", unknown, " in this plan"))
    return people


class PersonForm(PlanRecordForm):
    deputies = NamesField(
        label="Deputies who can stand in",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="People who can stand in, one name per line, first asked first. A deputy "
        "stands in with their own deputies behind them.",
    )
    links = "deputies"

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def link_names(self) -> list[str]:
        return deputy_names(self.instance)

    def clean_deputies(self) -> list[Person]:
        return _people(self.plan, self.cleaned_data.get("deputies") or "")


class SupplierForm(PlanRecordForm):
    class Meta:
        model = Supplier
        fields = list(SUPPLIER_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "contract_reference": "Contract number or reference",
            "support_hours": "Supplier's support hours",
        }


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
        choices=Need.choices, initial=Need.FULL, label="Needed for full or degraded service"
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


class RoleForm(PlanRecordForm):
    holders = NamesField(
        label="Holders",
        help_text="The key people who hold the role, one name per line. A holder with "
        "deputies is reachable through them.",
    )
    links = "holders"

    class Meta:
        model = Role
        fields = list(ROLE_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"holders_needed": "Holders who must be reachable"}

    def link_names(self) -> list[str]:
        return [link.person.name for link in self.instance.holder_links.select_related("person")]

    def clean_holders(self) -> list[Person]:
        return _people(self.plan, self.cleaned_data.get("holders") or "")
