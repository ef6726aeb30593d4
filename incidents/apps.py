from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents and exercises"

    def ready(self) -> None:
        # Models can be imported only once the app registry is ready, after this module.
        from bcp.rules import register_write_rule
        from incidents import models
        from incidents.services.rules import closed_incident_write_rule

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
