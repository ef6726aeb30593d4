"""The first-run checklist: what a new plan still needs before its first published draft.

Every tick is computed from the plan's data, never from a flag a user sets: a step is
done when the records it asks for exist. The whole list costs a fixed number of queries
however large the plan is, so a dashboard can show it for many plans.

Steps, in the order a plan comes together:

1. business functions, each with an owner (the person who answers its BIA);
2. a reviewed BIA (submitted or approved) for every function, by campaign or workshop;
3. an inventory: at least one component (by form, spreadsheet or inventory as code);
4. every function linked to the components or groups it needs;
5. a finished analysis of the whole plan;
6. a published version of the plan document (the draft stakeholders review and sign).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from analysis.models import AnalysisRun
from bcp.models import Job, Plan
from bcp.words import counted
from bia.models import Assessment, AssessmentState, BusinessFunction
from documents.models import PlanVersion
from inventory.models import Component, Dependency

# Functions named in a status line before "and N more".
NAMED = 3


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    status: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class FunctionRow:
    pk: int
    name: str
    has_owner: bool
    has_bia: bool
    has_needs: bool


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]

    @property
    def done_count(self) -> int:
        return sum(1 for step in self.steps if step.done)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)


def _when(moment: datetime.datetime | None) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%d %b %Y, %H:%M")


def _names(names: list[str]) -> str:
    shown = ", ".join(f"“{name}”" for name in names[:NAMED])
    more = len(names) - NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def _some_not_yet(functions: list[FunctionRow], missing: list[str], done: str) -> str:
    """How far a step over every function is: "2 of 5 functions ``done``; not yet: …"."""
    return (
        f"{len(functions) - len(missing)} of {len(functions)} functions {done}; "
        f"not yet: {_names(missing)}."
    )


def first_run_checklist(plan: Plan) -> Checklist:
    """The six first-run steps of ``plan``, each ticked from the data (four queries)."""
    reviewed = AssessmentState.APPROVED, AssessmentState.SUBMITTED
    functions = [
        FunctionRow(
            pk=row["pk"],
            name=row["name"],
            has_owner=row["owner_id"] is not None,
            has_bia=row["has_bia"],
            has_needs=row["has_needs"],
        )
        for row in BusinessFunction.objects.filter(plan=plan)
        .annotate(
            has_bia=Exists(Assessment.objects.filter(function=OuterRef("pk"), state__in=reviewed)),
            has_needs=Exists(Dependency.objects.filter(function=OuterRef("pk"))),
        )
        .order_by("name", "pk")
        .values("pk", "name", "owner_id", "has_bia", "has_needs")
    ]
    inventory = Component.objects.filter(plan=plan).aggregate(
        components=Count("pk"), sites=Count("site", distinct=True)
    )
    run = (
        AnalysisRun.objects.filter(
            plan=plan, function__isnull=True, job__status=Job.Status.SUCCEEDED
        )
        .order_by("-finished_at")
        .only("finished_at")
        .first()
    )
    version = (
        PlanVersion.objects.filter(plan=plan)
        .exclude(Q(pdf_sha256="") | Q(pdf_sha256__isnull=True))
        .order_by("-number")
        .only("number", "published_at")
        .first()
    )
    url = _urls(plan)
    return Checklist(
        steps=(
            _functions_step(functions, url),
            _bia_step(functions, url),
            _inventory_step(inventory, url),
            _needs_step(functions, url),
            _analysis_step(run, url),
            _publish_step(version, url),
        )
    )


def _urls(plan: Plan) -> Any:
    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"plan_pk": plan.pk, **kwargs})

    return url


def _functions_step(functions: list[FunctionRow], url: Any) -> Step:
    ownerless = [f.name for f in functions if not f.has_owner]
    if not functions:
        status = "No business functions yet: start with what people would miss first."
    elif ownerless:
        status = (
            f"{counted(len(functions), 'function', 'functions')}; without an owner: "
            f"{_names(ownerless)}."
        )
    else:
        status = f"{counted(len(functions), 'function', 'functions')}, each with an owner."
    return Step(
        key="functions",
        title="Add business functions and their owners",
        done=bool(functions) and not ownerless,
        status=status,
        links=(
            Link("Add a function", url("bia_function_create")),
            Link("Functions", url("bia_function_list")),
            Link("Add owners as members", url("member_list")),
        ),
    )


def _bia_step(functions: list[FunctionRow], url: Any) -> Step:
    missing = [f.name for f in functions if not f.has_bia]
    if not functions:
        status = "Needs business functions first."
    elif missing:
        status = _some_not_yet(functions, missing, "have a submitted or approved BIA")
    else:
        status = (
            "Every function has a submitted or approved BIA."
            if len(functions) > 1
            else "The function has a submitted or approved BIA."
        )
    return Step(
        key="bia",
        title="Run a business impact analysis",
        done=bool(functions) and not missing,
        status=status,
        links=(
            Link("Send a BIA campaign to the owners", url("bia_campaign_create")),
            Link("Run a workshop", url("bia_workshop_create")),
        ),
    )


def _inventory_step(inventory: dict[str, int], url: Any) -> Step:
    components = inventory["components"]
    sites = inventory["sites"]
    if components and sites:
        status = (
            f"{counted(components, 'component', 'components')} on "
            f"{counted(sites, 'site', 'sites')}."
        )
    elif components:
        status = f"{counted(components, 'component', 'components')}, none placed on a site yet."
    else:
        status = "No components yet: servers, databases, storage, networks, suppliers' services."
    return Step(
        key="inventory",
        title="Record the inventory",
        done=components > 0,
        status=status,
        links=(
            Link("Add a component", url("inventory_component_create")),
            Link("Import a spreadsheet or inventory-as-code file", url("inventory_import")),
        ),
    )


def _needs_step(functions: list[FunctionRow], url: Any) -> Step:
    unlinked = [f for f in functions if not f.has_needs]
    if not functions:
        status = "Needs business functions first."
    elif unlinked:
        status = _some_not_yet(
            functions, [f.name for f in unlinked], "are linked to what they need"
        )
    else:
        status = "Every function is linked to the components it needs."
    links = [
        Link(f"Link “{f.name}”", url("inventory_function_detail", function_pk=f.pk))
        for f in unlinked[:1]
    ]
    links += [
        Link("What each function needs", url("inventory_overview")),
        Link("Import dependencies from a spreadsheet", url("inventory_import")),
    ]
    return Step(
        key="needs",
        title="Link each function to what it needs",
        done=bool(functions) and not unlinked,
        status=status,
        links=tuple(links),
    )


def _analysis_step(run: AnalysisRun | None, url: Any) -> Step:
    if run is None:
        status = "Not run yet: it computes recovery objectives, availability and gaps."
    else:
        status = f"Last run finished {_when(run.finished_at)}."
    return Step(
        key="analysis",
        title="Run the analysis",
        done=run is not None,
        status=status,
        links=(Link("Analysis", url("analysis_dashboard")),),
    )


def _publish_step(version: PlanVersion | None, url: Any) -> Step:
    if version is None:
        status = "Nothing published yet: a version freezes the plan for review and sign-off."
    else:
        status = f"Version {version.number} published {_when(version.published_at)}."
    return Step(
        key="publish",
        title="Publish a draft of the plan document",
        done=version is not None,
        status=status,
        links=(Link("Plan documents", url("documents_home")),),
    )
