"""Supplier contracts in the function's RTO gap.

The engine's RTO gap names the single failure that takes longest; a supplier whose
contract cannot meet the required RTO may not be that one. Each such contract is named
in the RTO gap's evidence (see ``inventory.people.contract_shortfalls``).
"""

from __future__ import annotations

from analysis.results import Gap
from inventory.people import PeopleElements, contract_shortfalls


def name_contracts(
    gaps: list[Gap], extra: PeopleElements, requires: tuple[str, ...], rto_hours: float | None
) -> None:
    """Append the contracts that cannot meet ``rto_hours`` to the RTO gap's evidence."""
    if rto_hours is None:
        return
    sentences = contract_shortfalls(extra, requires, rto_hours)
    if not sentences:
        return
    for gap in gaps:
        if gap["measure"] == "rto":
            gap["evidence"] += "; " + "; ".join(sentences)
