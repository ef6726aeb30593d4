from __future__ import annotations

from django.apps import AppConfig


class BiaConfig(AppConfig):
    name = "bia"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot load before the app registry is
        # ready, and this module is imported while the registry is being filled.
        from bcp.rules import register_write_rule  # needs models: registry not ready above
        from bia.models import Answer, Assessment  # registry not ready at module import
        from bia.services.answers import (  # needs models: registry not ready above
            answer_write_rule,
            assessment_write_rule,
        )

        register_write_rule(Answer, answer_write_rule)
        register_write_rule(Assessment, assessment_write_rule)
