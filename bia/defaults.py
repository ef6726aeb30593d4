"""What a new plan starts with: impact categories with 0–4 scales, and the default questionnaire.

The questionnaire covers what ISO/TS 22317 and NIST SP 800-34 expect a BIA to establish:
impacts over time, the maximum tolerable period of disruption, data-loss tolerance (for the
RPO), the minimum service level during disruption (ISO 22301's MBCO), peak periods,
dependencies on other functions, suppliers and people, workarounds, the IT services used,
and recovery priority. Wording is ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bia.models import QuestionRole, QuestionType


@dataclass(frozen=True)
class CategorySpec:
    key: str
    name: str
    descriptions: tuple[str, str, str, str, str]
    is_financial: bool = False
    amounts: tuple[float, ...] = ()


DEFAULT_CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "financial",
        "Financial",
        (
            "No noticeable cost.",
            "Minor cost, absorbed by the department's budget.",
            "Noticeable cost that needs management approval.",
            "Major cost that changes the organisation's budget.",
            "Severe loss that threatens the organisation's finances.",
        ),
        is_financial=True,
        amounts=(0, 1_000, 10_000, 100_000, 1_000_000),
    ),
    CategorySpec(
        "operational",
        "Operational",
        (
            "Work continues as normal.",
            "Some tasks are slower; staff work around it.",
            "Several teams are held up; backlogs build.",
            "Core work stops for many people.",
            "The organisation cannot operate.",
        ),
    ),
    CategorySpec(
        "legal",
        "Legal / regulatory",
        (
            "No obligation affected.",
            "An internal policy is breached.",
            "A contractual obligation is at risk.",
            "A statutory or regulatory obligation is breached.",
            "Prosecution, fines or loss of a licence are likely.",
        ),
    ),
    CategorySpec(
        "reputational",
        "Reputational",
        (
            "Nobody outside the team notices.",
            "Complaints from a few people.",
            "Widespread complaints; local attention.",
            "Regional or sector press coverage.",
            "National coverage; lasting damage to trust.",
        ),
    ),
    CategorySpec(
        "customer",
        "Customer",
        (
            "Customers are not affected.",
            "A few customers are inconvenienced.",
            "Many customers cannot get a service on time.",
            "Customers miss deadlines that matter to them (e.g. coursework).",
            "Customers suffer lasting harm or leave.",
        ),
    ),
    CategorySpec(
        "safety",
        "Safety",
        (
            "No effect on health or safety.",
            "Minor discomfort or inconvenience.",
            "Risk of minor injury.",
            "Risk of serious injury.",
            "Risk to life.",
        ),
    ),
)


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    qtype: str
    help: str = ""
    role: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class SectionSpec:
    title: str
    help: str
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


DEFAULT_TEMPLATE_NAME = "Business impact analysis"
DEFAULT_TEMPLATE_DESCRIPTION = (
    "Covers what ISO/TS 22317 and NIST SP 800-34 ask of a BIA: impacts over time, the "
    "maximum tolerable period of disruption, data-loss tolerance, minimum service level, "
    "peak periods, dependencies, workarounds and the IT services used."
)

DEFAULT_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "The function",
        "What the function does and when it matters most.",
        (
            QuestionSpec(
                "purpose",
                "What does this function deliver, and to whom?",
                QuestionType.TEXT,
                required=True,
            ),
            QuestionSpec(
                "peak_periods",
                "When would a disruption hurt most?",
                QuestionType.TEXT,
                help="E.g. month-end, term start, exam weeks, enrolment.",
                role=QuestionRole.PEAK_PERIODS,
            ),
            QuestionSpec(
                "affected",
                "Who is affected when the function stops?",
                QuestionType.MULTIPLE,
                choices=("Students", "Staff", "Visitors", "External customers", "Regulators"),
            ),
        ),
    ),
    SectionSpec(
        "Impact over time",
        "For each category, how bad would it be if the function stopped for this long? "
        "Assume a normal (not peak) period; peak periods are added separately.",
        (
            QuestionSpec(
                "impact_grid",
                "Impact of a disruption, by category and duration",
                QuestionType.IMPACT_GRID,
                role=QuestionRole.IMPACT_GRID,
                required=True,
            ),
        ),
    ),
    SectionSpec(
        "Tolerances",
        "How much disruption and data loss the function can bear.",
        (
            QuestionSpec(
                "mtpd",
                "After how long would a disruption become unacceptable, whatever it costs "
                "to avoid?",
                QuestionType.DURATION,
                help="Your own estimate of the maximum tolerable period of disruption, "
                "e.g. 8 h or 2 d. The figure derived from the grid is shown beside it.",
                role=QuestionRole.MTPD,
            ),
            QuestionSpec(
                "data_loss",
                "How much recent work could be lost and redone without serious harm?",
                QuestionType.DURATION,
                help="E.g. 4 h means work from the last four hours may have to be re-entered. "
                "This sets the recovery point objective (RPO).",
                role=QuestionRole.DATA_LOSS,
                required=True,
            ),
            QuestionSpec(
                "minimum_service",
                "During a disruption, what share of normal service is the least you could "
                "accept (%)?",
                QuestionType.NUMBER,
                help="The minimum service level (ISO 22301's minimum business continuity "
                "objective).",
                role=QuestionRole.MINIMUM_SERVICE,
                required=True,
                minimum=0,
                maximum=100,
            ),
            QuestionSpec(
                "work_recovery",
                "Once systems are back, how long does catching up and checking take?",
                QuestionType.DURATION,
                help="Work recovery time (a CISSP term, not NIST's).",
                role=QuestionRole.WORK_RECOVERY,
            ),
        ),
    ),
    SectionSpec(
        "Workarounds",
        "How the function keeps going without its usual systems.",
        (
            QuestionSpec(
                "workaround",
                "What manual procedure keeps the function going?",
                QuestionType.TEXT,
                role=QuestionRole.WORKAROUND,
            ),
            QuestionSpec(
                "workaround_hours",
                "How long can that workaround hold?",
                QuestionType.DURATION,
                role=QuestionRole.WORKAROUND_HOURS,
            ),
        ),
    ),
    SectionSpec(
        "Dependencies and resources",
        "What the function needs to run.",
        (
            QuestionSpec(
                "it_services",
                "Which IT services does the function use? One per line.",
                QuestionType.TEXT,
                help="E.g. the order system, email, the payroll service.",
                role=QuestionRole.IT_SERVICES,
                required=True,
            ),
            QuestionSpec(
                "dependencies",
                "Which other functions, suppliers or key people does it rely on?",
                QuestionType.TEXT,
                role=QuestionRole.DEPENDENCIES,
            ),
            QuestionSpec(
                "other_site",
                "Could the function be carried out from another site?",
                QuestionType.YES_NO,
            ),
            QuestionSpec(
                "priority",
                "How soon must it be restored, compared with other functions?",
                QuestionType.SINGLE,
                choices=("First, within hours", "Within a day", "Within a week", "Can wait"),
            ),
        ),
    ),
)
