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
* ``techniques`` / ``remediation`` / ``gaps`` / ``whatif`` — gap analysis with
  engine-checked remediation, action plans, and what-if changes;
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
    AvailabilityAnalyzer,
    AvailabilityReport,
    ComponentImportance,
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
from analysis.engine.gaps import ActionPlanItem, Gap, GapReport, Milestone, analyse_gaps
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
from analysis.engine.remediation import RemediationOption
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
    AddRedundantPeer,
    AddSite,
    ChangeSet,
    MoveToSite,
    ServiceDelta,
    SetAvailability,
    SetBackup,
    SetReplication,
    SetRestoreTime,
    WhatIfResult,
    apply_changes,
    what_if,
)

topology_from_dict = parse_topology

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_TECHNIQUES",
    "NINES_TABLE",
    "PERIODS",
    "STANDARD_TIERS",
    "YEAR_CONVENTIONS",
    "AchievableObjectives",
    "ActionPlanItem",
    "AddRedundantPeer",
    "AddSite",
    "AvailabilityAnalyzer",
    "AvailabilityReport",
    "BudgetStatus",
    "ChangeSet",
    "Component",
    "ComponentImportance",
    "DataProtection",
    "DowntimeBudget",
    "ElementOutage",
    "FailoverLoss",
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
    "Service",
    "ServiceAvailability",
    "ServiceDelta",
    "ServiceImpact",
    "SetAvailability",
    "SetBackup",
    "SetReplication",
    "SetRestoreTime",
    "Site",
    "Technique",
    "Topology",
    "TopologyError",
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
    "maximum_tolerable_period",
    "nines",
    "nines_table",
    "parse_topology",
    "period_seconds",
    "recommend_objectives",
    "required_tier",
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
