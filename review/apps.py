from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Continuous review"

    def ready(self) -> None:
        # Imported here, not at the top: both import models, which cannot load before the
        # app registry is ready; Django imports this module while it fills the registry.
        from notifications.waiting import Section, waiting_source_register
        from review.selectors import waiting_reviews  # same: imports models

        waiting_source_register(Section.REVIEW_TASKS, waiting_reviews)
