"""Business functions and their impact analysis, one module per part of the BIA.

Django loads an app's models from ``bia.models``, so this package imports every module;
the names are listed here too so that ``from bia.models import Assessment`` keeps working
and migrations keep their paths (``bia.models.default_horizons``).
"""

from __future__ import annotations

from bia.models.assessments import EDITABLE_STATES, Answer, Assessment, AssessmentState
from bia.models.campaigns import Campaign
from bia.models.functions import BusinessFunction, Criticality, DependencyKind, FunctionDependency
from bia.models.interviews import Interview
from bia.models.questionnaires import (
    Question,
    QuestionnaireSection,
    QuestionnaireTemplate,
    QuestionRole,
    QuestionType,
)
from bia.models.scales import ImpactCategory, ImpactSettings, default_horizons
from bia.models.workshops import ActionItem, Workshop, WorkshopFunction

__all__ = [
    "EDITABLE_STATES",
    "ActionItem",
    "Answer",
    "Assessment",
    "AssessmentState",
    "BusinessFunction",
    "Campaign",
    "Criticality",
    "DependencyKind",
    "FunctionDependency",
    "ImpactCategory",
    "ImpactSettings",
    "Interview",
    "Question",
    "QuestionRole",
    "QuestionType",
    "QuestionnaireSection",
    "QuestionnaireTemplate",
    "Workshop",
    "WorkshopFunction",
    "default_horizons",
]
