from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents and exercises"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry is
        # ready, and this module is imported while the registry is being filled.
        from bcp.rules import register_write_rule  # needs models: registry not ready above
        from incidents import models  # registry not ready at module import
        from incidents.services.rules import (  # needs models: registry not ready above
            closed_incident_write_rule,
        )

        for model in (
            models.Incident,
            models.IncidentElement,
            models.IncidentFunction,
            models.IncidentStep,
            models.LogEntry,
            models.Notification,
            models.FollowUpAction,
        ):
            register_write_rule(model, closed_incident_write_rule)
