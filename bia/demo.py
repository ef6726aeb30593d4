"""BIA demo data: the print service's business functions, scales, questionnaire and answers.

Idempotent: every object is looked up by its natural key first, and the answers are only
written when the demo campaign is first created, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from bcp.models import Plan
from bia.models import (
    Assessment,
    BusinessFunction,
    Campaign,
    DependencyKind,
    Interview,
    Question,
    QuestionnaireTemplate,
    Workshop,
)
from bia.services.answers import answer_save
from bia.services.assessments import assessment_approve, assessment_submit
from bia.services.campaigns import campaign_send
from bia.services.common import cell_key
from bia.services.functions import dependency_add, function_create
from bia.services.interviews import interview_create
from bia.services.questionnaires import template_create_default
from bia.services.scales import grid_cells, impact_scales_ensure
from bia.services.workshops import workshop_create

CAMPAIGN_NAME = "Annual print service BIA"
WORKSHOP_TITLE = "Branch and staff printing workshop"
STUDENT = "Student printing (head office)"
ACCOUNTING = "Print accounting and charging"
RELEASE = "Secure print release (Find-Me)"

# name, owner key, criticality, description, peak periods, workaround, workaround hours
FUNCTIONS: tuple[tuple[str, str, str, str, str, str, float | None], ...] = (
    (
        "Student printing (head office)",
        "stakeholder",
        "high",
        "Students print coursework, tickets and forms at the head office campus's "
        "multi-function devices, paid from their print balance.",
        "Term start, coursework deadlines, exam weeks",
        "Students bring files on USB to the library's standalone printer; staff note "
        "the pages for charging later.",
        8.0,
    ),
    (
        "Staff printing (head office)",
        "stakeholder",
        "medium",
        "Teaching and office staff print and copy handouts, letters and reports.",
        "Term start",
        "Staff use the reprographics room's copier with a departmental code.",
        24.0,
    ),
    (
        "Secure print release (Find-Me)",
        "stakeholder",
        "high",
        "Jobs wait in the Find-Me queue until their owner badges in at any device, so a "
        "failed device never strands a job and confidential pages are not left in trays.",
        "Exam weeks",
        "",
        None,
    ),
    (
        "Branch printing",
        "stakeholder",
        "medium",
        "Printing and copying at the remote branch; the site server keeps it going when "
        "the link to head office drops.",
        "",
        "Urgent jobs are emailed to head office and sent by the internal courier.",
        48.0,
    ),
    (
        "Print accounting and charging",
        "finance",
        "high",
        "Tracks every page printed, copied or scanned, charges student balances and "
        "bills departments each month.",
        "Month-end billing, term start top-ups",
        "Charges are written on paper forms against the student ID and entered after recovery.",
        24.0,
    ),
    (
        "Scanning to email and folders",
        "finance",
        "low",
        "Staff scan invoices and signed forms to email and shared folders.",
        "Month-end",
        "Documents are photographed with a phone or posted internally.",
        72.0,
    ),
)

GRIDS: dict[str, dict[str, list[int]]] = {
    "Print accounting and charging": {
        "financial": [0, 0, 1, 2, 3, 3, 4],
        "operational": [0, 1, 1, 2, 2, 3, 3],
        "legal": [0, 0, 0, 1, 2, 2, 3],
        "reputational": [0, 0, 1, 1, 2, 2, 3],
        "customer": [0, 1, 1, 2, 2, 3, 3],
        "safety": [0, 0, 0, 0, 0, 0, 0],
    },
    "Student printing (head office)": {
        "financial": [0, 0, 0, 1, 1, 2, 2],
        "operational": [1, 2, 2, 3, 3, 4, 4],
        "legal": [0, 0, 0, 0, 1, 1, 2],
        "reputational": [0, 1, 2, 2, 3, 3, 4],
        "customer": [1, 2, 3, 3, 4, 4, 4],
        "safety": [0, 0, 0, 0, 0, 0, 0],
    },
}

ANSWERS: dict[str, dict[str, str | list[str]]] = {
    "Print accounting and charging": {
        "purpose": "Charges students and departments for every page; feeds month-end billing.",
        "peak_periods": "Month-end billing run; term start when students top up.",
        "affected": ["Students", "Staff"],
        "mtpd": "3 d",
        "data_loss": "4 h",
        "minimum_service": "50",
        "work_recovery": "4 h",
        "workaround": "Paper charge forms against the student ID, keyed in after recovery.",
        "workaround_hours": "24 h",
        "it_services": "Print management application server\nPrint accounting database\n"
        "Finance system export",
        "dependencies": "Student printing; the finance office; card payment provider.",
        "other_site": "yes",
        "priority": "Within a day",
    },
    "Student printing (head office)": {
        "purpose": "Students print coursework and forms at head office.",
        "peak_periods": "Term start, coursework deadlines and exam weeks.",
        "affected": ["Students"],
        "mtpd": "1 d",
        "data_loss": "1 h",
        "minimum_service": "25",
        "work_recovery": "1 h",
        "workaround": "USB printing at the library's standalone printer.",
        "workaround_hours": "8 h",
        "it_services": "Print servers\nFind-Me print release\nPrint management application "
        "server\nStudent card authentication",
        "dependencies": "Secure print release; print accounting; the MFD service contract.",
        "other_site": "no",
        "priority": "First, within hours",
    },
    "Secure print release (Find-Me)": {
        "purpose": "Holds jobs until their owner releases them at any device.",
        "data_loss": "0 h",
    },
}


def _grid(assessment: Assessment, user: User, levels: dict[str, list[int]], **source: Any) -> None:
    categories, horizons = grid_cells(assessment.plan)
    question = Question.objects.get(section__template=assessment.template, key="impact_grid")
    for category in categories:
        for index, hours in enumerate(horizons):
            answer_save(
                assessment=assessment,
                question=question,
                cell=cell_key(category.key, hours),
                raw=[str(levels[category.key][index])],
                user=user,
                expected_version=0,  # the demo starts from no answer
                reason="Demo answers",
                **source,
            )


def _answer(
    assessment: Assessment, user: User, answers: dict[str, str | list[str]], **source: Any
) -> None:
    questions = {q.key: q for q in Question.objects.filter(section__template=assessment.template)}
    for key, value in answers.items():
        answer_save(
            assessment=assessment,
            question=questions[key],
            raw=value if isinstance(value, list) else [value],
            user=user,
            expected_version=0,  # the demo starts from no answer
            reason="Demo answers",
            **source,
        )


def load(plan: Plan, users: dict[str, User]) -> None:
    manager = users["manager"]
    impact_scales_ensure(plan=plan, user=manager)
    template = QuestionnaireTemplate.objects.filter(plan=plan).order_by("pk").first()
    if template is None:
        template = template_create_default(plan=plan, user=manager)
    functions = _functions(plan, users)
    _dependencies(functions, manager)
    interview = _interview(plan, functions[STUDENT], manager)
    if not Campaign.objects.filter(plan=plan, name=CAMPAIGN_NAME).exists():
        _campaign(plan, template, functions, interview, users)
    if not Workshop.objects.filter(plan=plan, title=WORKSHOP_TITLE).exists():
        workshop_create(
            plan=plan,
            user=manager,
            title=WORKSHOP_TITLE,
            held_on=timezone.localdate(),
            functions=[functions["Branch printing"], functions["Staff printing (head office)"]],
            attendees="Branch office manager, reprographics lead, service desk lead",
        )


def _functions(plan: Plan, users: dict[str, User]) -> dict[str, BusinessFunction]:
    functions: dict[str, BusinessFunction] = {}
    for name, owner, criticality, description, peaks, workaround, hours in FUNCTIONS:
        function = BusinessFunction.objects.filter(plan=plan, name=name).first()
        if function is None:
            function = function_create(
                plan=plan,
                user=users["manager"],
                name=name,
                description=description,
                owner=users[owner],
                criticality=criticality,
                peak_periods=peaks,
                workaround=workaround,
                workaround_hours=hours,
                reason="Demo data",
            )
        functions[name] = function
    return functions


def _dependencies(functions: dict[str, BusinessFunction], manager: User) -> None:
    student, accounting = functions[STUDENT], functions[ACCOUNTING]
    if not student.needs.exists():
        dependency_add(
            function=student,
            user=manager,
            kind=DependencyKind.FUNCTION,
            depends_on=functions[RELEASE],
        )
        dependency_add(
            function=student, user=manager, kind=DependencyKind.FUNCTION, depends_on=accounting
        )
        dependency_add(
            function=student,
            user=manager,
            kind=DependencyKind.SUPPLIER,
            name="MFD service contractor",
            notes="Four-hour on-site response",
        )
    if not accounting.needs.exists():
        dependency_add(
            function=accounting,
            user=manager,
            kind=DependencyKind.STAFF,
            name="Print administrator",
            notes="Only person who runs the month-end export",
        )
        dependency_add(
            function=accounting,
            user=manager,
            kind=DependencyKind.SUPPLIER,
            name="Card payment provider",
        )


def _interview(plan: Plan, student: BusinessFunction, manager: User) -> Interview:
    interview = Interview.objects.filter(function=student).first()
    if interview is not None:
        return interview
    return interview_create(
        plan=plan,
        user=manager,
        function=student,
        interviewee="Head of Library Services",
        held_at=timezone.now() - datetime.timedelta(days=3),
        notes="Coursework deadlines bring queues of 40+ students; a morning without "
        "printing in deadline week floods the help desk. The USB printer copes for a "
        "day shift at most.",
    )


def _campaign(
    plan: Plan,
    template: QuestionnaireTemplate,
    functions: dict[str, BusinessFunction],
    interview: Interview,
    users: dict[str, User],
) -> None:
    """Send the demo campaign and answer it: one BIA approved, one submitted, one begun."""
    manager, finance, stakeholder = users["manager"], users["finance"], users["stakeholder"]
    campaign = campaign_send(
        plan=plan,
        user=manager,
        name=CAMPAIGN_NAME,
        template=template,
        due_date=timezone.localdate() + datetime.timedelta(days=21),
        functions=list(functions.values()),
        message="Please tell us how a printing outage would affect your area.",
        notify=False,
    )
    by_function = {a.function_id: a for a in campaign.assessments.all()}
    paid = by_function[functions[ACCOUNTING].pk]
    _grid(paid, finance, GRIDS[ACCOUNTING])
    _answer(paid, finance, ANSWERS[ACCOUNTING])
    paid = assessment_submit(assessment=paid, user=finance)
    assessment_approve(assessment=paid, user=manager, reason="Demo review")
    taught = by_function[functions[STUDENT].pk]
    _grid(taught, stakeholder, GRIDS[STUDENT], source_interview=interview)
    _answer(taught, stakeholder, ANSWERS[STUDENT], source_interview=interview)
    assessment_submit(assessment=taught, user=stakeholder)
    release = by_function[functions[RELEASE].pk]
    _answer(release, stakeholder, ANSWERS[RELEASE])
