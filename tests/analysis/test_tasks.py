"""The analysis tasks' declared limits."""

from __future__ import annotations

from analysis.tasks import WHOLE_PLAN_SOFT_LIMIT, analysis_run_execute
from config.settings.base import REDIS_VISIBILITY_TIMEOUT

# A whole plan of 1,000 functions on one worker through the job path, measured on a quiet
# 2-core machine on 2026-12-05 (README, the analysis benchmark table).
WHOLE_PLAN_X1_SECONDS = 218


def test_a_whole_plan_four_times_the_reference_size_finishes_within_the_task_limit() -> None:
    assert analysis_run_execute.soft_time_limit == WHOLE_PLAN_SOFT_LIMIT
    assert WHOLE_PLAN_SOFT_LIMIT > 4 * WHOLE_PLAN_X1_SECONDS
    assert analysis_run_execute.time_limit is not None
    assert analysis_run_execute.soft_time_limit < analysis_run_execute.time_limit
    assert analysis_run_execute.time_limit < REDIS_VISIBILITY_TIMEOUT
