"""The planning core: plans, members and roles, permissions, jobs, history context."""
