from __future__ import annotations

from django.apps import AppConfig


class BiaConfig(AppConfig):
    name = "bia"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry is ready.
        from bcp.rules import register_write_rule
        from bia.models import Answer, Assessment
        from bia.services.answers import answer_write_rule, assessment_write_rule

        register_write_rule(Answer, answer_write_rule)
        register_write_rule(Assessment, assessment_write_rule)
