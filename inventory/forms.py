"""Forms of the inventory pages. Links are typed as names, one per line, so the forms
stay light with 10,000 components and read like the import files."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Model, QuerySet

from bcp import forms as bcp_forms
from bcp.forms import ChangeReasonMixin, VersionedFormMixin
from bcp.models import Plan
from inventory.exchange.reading import EXTENSIONS
from inventory.exchange.records import ImportLimits, format_megabytes
from inventory.fields import (
    COMPONENT_FORM_FIELDS,
    GROUP_FIELDS,
    SITE_FIELDS,
    TECHNIQUE_FIELDS,
)
from inventory.models import (
    Component,
    Dependency,
    Need,
    RedundancyGroup,
    Site,
    Technique,
)
from inventory.selectors import member_names, nodes_named, runs_on_names

Node = Component | RedundancyGroup


def _choose_from(form: forms.BaseForm, name: str, choices: QuerySet[Model]) -> None:
    """Offer only ``choices`` (the plan's own records) in ``form``'s model choice ``name``."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = choices


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def no_such_names(what: str, unknown: list[str], where: str = "") -> str:
    """The message for names no record of the plan has: "No person named “A”, “B” in this plan."."""
    return f"No {what} named " + ", ".join(f"“{n}”" for n in unknown) + f"{where}."


def resolve_names(plan: Plan, text: str) -> tuple[list[Node], list[str]]:
    """Components or groups named on each line of ``text``; unknown names returned apart."""
    names = [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]
    return nodes_named(plan, names)


class NamesField(forms.CharField):
    """Names of other records, one per line; not required."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)


class PlanRecordForm(bcp_forms.PlanRecordForm):
    """A plan record's edit form; ``links`` names the field that lists the record's links
    by name, one per line, filled from :meth:`link_names` when an existing record is edited."""

    links = ""

    def start_from_record(self) -> None:
        if self.links:
            self.initial[self.links] = "\n".join(self.link_names())

    def link_names(self) -> list[str]:
        return []

    def _resolve(self, field: str) -> list[Node]:
        nodes, unknown = resolve_names(self.plan, self.cleaned_data.get(field, ""))
        if unknown:
            raise forms.ValidationError(no_such_names("component or group", unknown))
        return nodes

    def validate_unique(self) -> None:
        # Name clashes are checked by the services, which word them for people.
        return None


class SiteForm(PlanRecordForm):
    class Meta:
        model = Site
        fields = list(SITE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "kind": "Type of site",
            "parent": "Inside site",
            "availability_source": "Source of the availability figure",
            "restore_hours": "Restore time (hours)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Site.objects.filter(plan=self.plan).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        _choose_from(self, "parent", parents)


class ComponentForm(PlanRecordForm):
    runs_on = NamesField(
        label="Runs on",
        help_text="Components or redundancy groups it needs underneath, one name per line "
        "(e.g. the VM host, the SAN).",
    )

    class Meta:
        model = Component
        fields = list(COMPONENT_FORM_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "kind": "Type of component",
            "mtbf_hours": "MTBF (hours)",
            "mttr_hours": "MTTR (hours)",
            "availability_source": "Source of the availability figure",
            "holds_data": "Holds data that must be recovered",
            "failover_seconds": "Failover time (seconds)",
            "restore_hours": "Restore time (hours)",
            "backup_interval_hours": "Backup interval (hours)",
            "replication_lag_seconds": "Replication lag (seconds)",
            "cost_per_year": "Running cost a year",
        }
        help_texts = {
            "mtbf_hours": "Mean time between failures.",
            "mttr_hours": "Mean time to repair.",
            "availability_percent": "Give a percentage, or MTBF and MTTR below.",
            "replication_lag_seconds": "For asynchronous replication: how far the copy trails.",
        }

    links = "runs_on"
    field_order = ["name", "kind", "owner", "site", "runs_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "site", Site.objects.filter(plan=self.plan).order_by("name"))

    def link_names(self) -> list[str]:
        return runs_on_names(self.instance)

    def clean_runs_on(self) -> list[Node]:
        return self._resolve("runs_on")


class GroupForm(PlanRecordForm):
    members = NamesField(
        label="Members",
        help_text="Components or other groups, one name per line. For active/passive the "
        "first is the active member.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = RedundancyGroup
        fields = list(GROUP_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"mode": "Redundancy mode"}

    links = "members"
    field_order = ["name", "mode", "members", "k"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "technique", Technique.objects.filter(plan=self.plan))

    def link_names(self) -> list[str]:
        return member_names(self.instance)

    def clean_members(self) -> list[Node]:
        return self._resolve("members")


class TechniqueForm(PlanRecordForm):
    class Meta:
        model = Technique
        fields = list(TECHNIQUE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "key": "Identifier",
            "group_mode": "Redundancy it builds",
            "failover_seconds": "Typical failover (seconds)",
            "restore_hours": "Typical restore (hours)",
            "data_loss_seconds": "Typical data loss (seconds)",
            "backup_interval_hours": "Backup interval (hours)",
            "replication_lag_seconds": "Replication lag (seconds)",
            "cost_class": "Cost (1–5)",
            "complexity": "Complexity (1–5)",
        }
        help_texts = {"key": "Short, without spaces, used in exports; e.g. nlb-active-active."}


class DependencyForm(ChangeReasonMixin):
    target = forms.CharField(
        label="Needs",
        max_length=200,
        help_text="Name of a component or redundancy group.",
        widget=forms.TextInput(attrs={"list": "inventory-node-names", "autocomplete": "off"}),
    )
    need = forms.ChoiceField(
        label="How it is needed",
        choices=Need.choices,
        initial=Need.FULL,
        help_text="Availability and SPOF figures count only what is needed fully.",
    )
    notes = forms.CharField(max_length=300, required=False)

    field_order = ["target", "need", "notes", "reason", "ticket"]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.helper = _helper("Add dependency")

    def clean_target(self) -> Node:
        nodes, unknown = resolve_names(self.plan, self.cleaned_data["target"])
        if unknown or not nodes:
            raise forms.ValidationError(
                f"No component or group named “{self.cleaned_data['target'].strip()}”."
            )
        return nodes[0]


class DependencyEditForm(VersionedFormMixin, ChangeReasonMixin):
    need = forms.ChoiceField(label="How it is needed", choices=Need.choices)
    notes = forms.CharField(max_length=300, required=False)

    field_order = ["need", "notes", "reason", "ticket"]

    def __init__(self, *args: Any, dependency: Dependency, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"need": dependency.need, "notes": dependency.notes, "version": dependency.version},
        )
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save")


class ApplyTechniqueForm(VersionedFormMixin, ChangeReasonMixin):
    technique = forms.ModelChoiceField(queryset=Technique.objects.none())

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose_from(self, "technique", Technique.objects.filter(plan=plan).order_by("name"))
        self.fields["technique"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["technique"].error_messages["required"] = "Choose a technique to apply."
        self.helper = _helper("Apply technique")

    def add_error(self, field: str | None, error: Any) -> None:
        """The page draws this form's select by hand: an error marks it invalid and ties
        it to its message, as crispy does for every other form."""
        super().add_error(field, error)
        if field == "technique":
            self.fields["technique"].widget.attrs.update(
                {
                    "class": "form-select form-select-sm is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": "id_technique_error",
                }
            )


class ImportForm(ChangeReasonMixin):
    """The file and what it holds; the file is read and checked by a worker, not here."""

    file = forms.FileField(
        help_text="CSV or XLSX (one row per record, keyed by name), or a JSON/YAML "
        f"inventory-as-code file. Up to {ImportLimits().max_bytes // (1024 * 1024)} MB, UTF-8.",
    )
    section = forms.ChoiceField(
        label="The spreadsheet holds",
        choices=(
            ("components", "Components"),
            ("sites", "Sites"),
            ("groups", "Redundancy groups"),
            ("techniques", "HA techniques"),
            ("dependencies", "Function dependencies (function, needs, full or degraded)"),
            ("people", "Key people (deputies, functions that need them)"),
            ("suppliers", "Suppliers and their contracts"),
        ),
        initial="components",
        help_text="Workbooks with sheets named after these (sites, techniques, components, "
        "groups, dependencies, people, suppliers) import every such sheet at once.",
    )

    replace = forms.BooleanField(
        label="Remove what the file leaves out",
        required=False,
        help_text="Of the kinds of record the file holds (a spreadsheet's section, a "
        "workbook's sheets, a document's sections), those of the plan that the file does not "
        "name are removed; other kinds and HA techniques stay. For a whole inventory, such as "
        "an edited export; the preview lists every removal first.",
    )

    field_order = ["file", "section", "replace", "reason", "ticket"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = ImportLimits().max_bytes
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {format_megabytes(upload.size)}; the limit is "
                f"{limit // (1024 * 1024)} MB. Split it into several files."
            )
        if not str(upload.name).lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                "Only CSV or XLSX spreadsheets (and JSON or YAML inventory-as-code files) can "
                f"be imported; “{upload.name}” is none of these."
            )
        return upload

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
