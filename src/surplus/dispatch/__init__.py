"""Hourly economic dispatch: which plants run, what flows where, what each zone-hour costs at
the margin, and how much more load each zone could take.

`dispatch(dataset)` solves a linear programme per local calendar month with HiGHS (hours
couple only through reservoir hydro's monthly energy budgets), then measures each zone-hour's
spare capacity by maximum flow on what the dispatch leaves unused. The formulation, sign
conventions and assumptions are in docs/dispatch.md.
"""

from surplus.dispatch.flexible import FlexibleLoad
from surplus.dispatch.result import DispatchResult, DispatchSummary, SpareCapacity
from surplus.dispatch.run import dispatch
from surplus.dispatch.system import DispatchError

__all__ = [
    "DispatchError",
    "DispatchResult",
    "DispatchSummary",
    "FlexibleLoad",
    "SpareCapacity",
    "dispatch",
]
