from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Continuous review"

    def ready(self) -> None:
        from notifications.waiting import Section, waiting_source_register
        from review.selectors import waiting_reviews

        waiting_source_register(Section.REVIEW_TASKS, waiting_reviews)
