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
* ``spof`` — the one definition of (hidden) single points of failure;
* ``figures`` — a function's figures on all four measures, the analysis context (method,
  samples, seed, node budget) and what-if measured on them;
* ``techniques`` / ``remediation`` / ``gaps`` / ``roadmap`` / ``whatif`` — gap analysis
  with remedies proven at the function level, plans of action, the roadmap, and the
  what-if changes;
* ``examples`` — the whitepaper's print service, for demo data and tests.

Import each name from the module that defines it (``from analysis.engine.validation
import topology_errors``): every function has that one public path, and this package
re-exports nothing. The modules depend in one direction: ``budgets`` ← ``topology``
(plain inputs) ← ``validation`` ← ``topology_io`` (JSON shape, validated) and the
analyses.
"""
