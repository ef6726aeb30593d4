"""Continuity's calculation engine: plain Python, dataclasses in, dataclasses out.

No Django and no database here, so everything can be tested exhaustively and reused by
the web app, the API and Celery tasks alike. Modules:

* ``budgets`` — nines, downtime budgets per period, what is left of a budget;
* ``topology`` / ``validation`` / ``topology_io`` — engine inputs, their checks, JSON shape;
* ``structure`` / ``bdd`` / ``montecarlo`` / ``availability`` — exact composite
  availability (BDD), Monte Carlo, SPOFs and importance;
* ``impact`` — blast radius: which services are down or degraded with given elements
  failed, and why;
* ``objectives`` — MTPD, RTO, RPO, MBCO and availability tier from a BIA; inheritance of
  the strictest objective by shared components;
* ``achievable`` — RTO and RPO the inventory can deliver, and what sets them;
* ``spof`` — the one definition of (hidden) single points of failure;
* ``figures`` — a function's figures on all four measures, the analysis context (method,
  samples, seed, node budget) and what-if measured on them;
* ``techniques`` / ``remediation`` / ``gaps`` / ``roadmap`` / ``whatif`` — gap analysis
  with remedies proven at the function level, plans of action, the roadmap, and the
  what-if changes;
* ``examples`` — the whitepaper's print service, for demo data and tests.
"""

from __future__ import annotations

from analysis.engine.achievable import (
    AchievableObjectives,
    DataProtection,
    ElementOutage,
    achievable_objectives,
)
from analysis.engine.availability import (
    DEFAULT_NODE_LIMIT,
    AvailabilityAnalyzer,
    AvailabilityReport,
    ComponentImportance,
    ExactTooCostly,
    ServiceAvailability,
    composite_availability,
    service_availability,
    single_points_of_failure,
)
from analysis.engine.budgets import (
    NINES_TABLE,
    PERIODS,
    STANDARD_TIERS,
    YEAR_CONVENTIONS,
    BudgetStatus,
    DowntimeBudget,
    NinesRow,
    PeriodBudget,
    allowed_downtime,
    availability_for_downtime,
    budget_remaining,
    format_duration,
    nines,
    nines_table,
    period_seconds,
)
from analysis.engine.figures import (
    AnalysisContext,
    FunctionFigures,
    ServiceDelta,
    WhatIfEvaluator,
    WhatIfResult,
    what_if,
)
from analysis.engine.gaps import (
    ActionPlanItem,
    Gap,
    GapReport,
    Milestone,
    Requirements,
    analyse_gaps,
)
from analysis.engine.impact import (
    GroupStrain,
    ImpactError,
    ImpactReport,
    ServiceImpact,
    assess_impact,
)
from analysis.engine.montecarlo import DEFAULT_SAMPLES, DEFAULT_SEED, wilson_interval
from analysis.engine.objectives import (
    ImpactAssessment,
    InheritedObjective,
    MtpdResult,
    RecoveryRecommendation,
    maximum_tolerable_period,
    recommend_objectives,
    required_tier,
    strictest_objectives,
)
from analysis.engine.remediation import Combination, RemediationOption, RemedyPart
from analysis.engine.roadmap import RoadmapStep, roadmap
from analysis.engine.spof import hidden_single_points_of_failure
from analysis.engine.structure import FailoverLoss, components_used_by, sub_topology
from analysis.engine.techniques import DEFAULT_TECHNIQUES, Technique
from analysis.engine.topology import (
    Component,
    Group,
    Service,
    Site,
    Topology,
    TopologyError,
    effective_availability,
)
from analysis.engine.topology_io import parse_topology, topology_to_dict
from analysis.engine.validation import topology_errors, validate_topology
from analysis.engine.whatif import (
    AddGroupMember,
    AddRedundantPeer,
    AddSite,
    Change,
    ChangeSet,
    MoveToSite,
    RemoveComponent,
    SetAvailability,
    SetBackup,
    SetFailoverTime,
    SetReplication,
    SetRestoreTime,
    apply_changes,
)

topology_from_dict = parse_topology

__all__ = [
    "DEFAULT_NODE_LIMIT",
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_TECHNIQUES",
    "NINES_TABLE",
    "PERIODS",
    "STANDARD_TIERS",
    "YEAR_CONVENTIONS",
    "AchievableObjectives",
    "ActionPlanItem",
    "AddGroupMember",
    "AddRedundantPeer",
    "AddSite",
    "AnalysisContext",
    "AvailabilityAnalyzer",
    "AvailabilityReport",
    "BudgetStatus",
    "Change",
    "ChangeSet",
    "Combination",
    "Component",
    "ComponentImportance",
    "DataProtection",
    "DowntimeBudget",
    "ElementOutage",
    "ExactTooCostly",
    "FailoverLoss",
    "FunctionFigures",
    "Gap",
    "GapReport",
    "Group",
    "GroupStrain",
    "ImpactAssessment",
    "ImpactError",
    "ImpactReport",
    "InheritedObjective",
    "Milestone",
    "MoveToSite",
    "MtpdResult",
    "NinesRow",
    "PeriodBudget",
    "RecoveryRecommendation",
    "RemediationOption",
    "RemedyPart",
    "RemoveComponent",
    "Requirements",
    "RoadmapStep",
    "Service",
    "ServiceAvailability",
    "ServiceDelta",
    "ServiceImpact",
    "SetAvailability",
    "SetBackup",
    "SetFailoverTime",
    "SetReplication",
    "SetRestoreTime",
    "Site",
    "Technique",
    "Topology",
    "TopologyError",
    "WhatIfEvaluator",
    "WhatIfResult",
    "achievable_objectives",
    "allowed_downtime",
    "analyse_gaps",
    "apply_changes",
    "assess_impact",
    "availability_for_downtime",
    "budget_remaining",
    "components_used_by",
    "composite_availability",
    "effective_availability",
    "format_duration",
    "hidden_single_points_of_failure",
    "maximum_tolerable_period",
    "nines",
    "nines_table",
    "parse_topology",
    "period_seconds",
    "recommend_objectives",
    "required_tier",
    "roadmap",
    "service_availability",
    "single_points_of_failure",
    "strictest_objectives",
    "sub_topology",
    "topology_errors",
    "topology_from_dict",
    "topology_to_dict",
    "validate_topology",
    "what_if",
    "wilson_interval",
]
