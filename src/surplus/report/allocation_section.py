"""The report's allocation section: who gets the quota, where, and why (map and table)."""

from __future__ import annotations

from surplus.allocation.allocator import Allocation
from surplus.allocation.figures import allocation_bars_figure, allocation_map_figure
from surplus.allocation.output import allocations_frame, summary
from surplus.report.html import Section


def allocation_section(allocation: Allocation) -> Section:
    facts = summary(allocation)
    table = allocations_frame(allocation)[
        [
            "application",
            "operator",
            "kind",
            "site",
            "zone",
            "requested_mw",
            "allocated_mw",
            "reason",
        ]
    ].set_index("application")
    quota = allocation.settings.cumulative_quota_mw()[-1]
    paragraphs = (
        f"{facts['applications']} applications asked for {facts['requested_mw']:,.0f} MW; "
        f"{facts['granted_applications']} were granted {facts['allocated_mw']:,.0f} MW of the "
        f"{quota:,.0f} MW quota, for a public net benefit of "
        f"Rs {facts['net_benefit_pkr_per_year'] / 1e9:,.2f} bn a year (tariff margin over the "
        "cost of serving, plus the Strategic Bitcoin Reserve's coins).",
        "The allocation maximises that net benefit subject to the quota, a cap per operator, "
        "minimum sizes, firm supply only where a zone has firm headroom, and each applicant's "
        "curtailment staying within what it offered when all granted loads run together. "
        f"The solver's optimality gap is {allocation.gap:.3%}. Every grant was checked by "
        "dispatching the year again with all granted loads"
        + (
            f"; {len(allocation.withdrawn)} application(s) failing that check were withdrawn."
            if allocation.withdrawn
            else "; all passed."
        ),
        "Each row says in plain words why the application got what it got, with the shadow "
        "price of the constraint that stopped it getting more.",
    )
    return Section(
        "Allocation of the quota",
        paragraphs=paragraphs,
        tables=(("Applications and their allocation", table),),
        figures=(allocation_map_figure(allocation), allocation_bars_figure(allocation)),
        data={"allocation": facts},
    )
