"""The largest constant load whose curtailment rate stays within a budget, solved exactly.

With w_t = 1 / (hours in t's year × number of years), the rate of a load L > 0 is
rate(L) = Σ_t w_t · max(0, 1 − s_t⁺ / L), where s⁺ is spare clipped at zero. Between two
consecutive sorted values of s⁺ the same hours are curtailed, so rate(L) = A − B / L there,
with A and B prefix sums of w and w·s⁺. The rate is continuous and non-decreasing in L; the
headroom at budget c is found by locating the first breakpoint whose rate exceeds c and
solving A − B / L = c on the interval below it. No iteration, no tolerance: the answer is
exact up to floating-point rounding, for every column at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from surplus.headroom.curtailment import year_starts
from surplus.headroom.timeline import HeadroomError, HourCalendar


def hour_weights(calendar: HourCalendar) -> np.ndarray:
    """Each hour's weight in the multi-year rate: 1 / (hours in its year × years)."""
    hours = year_starts(calendar)[1]
    return np.repeat(1.0 / (hours * len(hours)), hours)


def check_budgets(budgets: Sequence[float]) -> tuple[float, ...]:
    values = tuple(float(b) for b in budgets)
    for budget in values:
        if not 0.0 <= budget < 1.0:
            raise HeadroomError(f"a curtailment budget is a fraction in [0, 1), got {budget}")
    return values


def solve_headroom_mw(
    spare_mw: np.ndarray, calendar: HourCalendar, budgets: Sequence[float]
) -> np.ndarray:
    """Headroom MW, budgets × columns, for spare MW given as hours × columns.

    >>> from surplus.headroom.timeline import hour_calendar
    >>> import pandas as pd
    >>> idx = pd.date_range("2025-01-01", periods=4, freq="h", tz="UTC")
    >>> cal = hour_calendar(idx, ["UTC"])
    >>> spare = np.array([[10.0], [20.0], [30.0], [40.0]])
    >>> solve_headroom_mw(spare, cal, [0.0, 0.125]).ravel().tolist()
    [10.0, 20.0]
    """
    spare = np.asarray(spare_mw, dtype=float).reshape(calendar.hours, -1)
    if not np.isfinite(spare).all():
        raise HeadroomError("spare capacity must be finite in every hour")
    if calendar.hours == 0:
        raise HeadroomError("the history has no hours")
    values = check_budgets(budgets)
    # Columns become rows so each sort runs over contiguous memory.
    clipped = np.ascontiguousarray(np.maximum(spare, 0.0).T)
    order = np.argsort(clipped, axis=1)
    s = np.take_along_axis(clipped, order, axis=1)
    w = hour_weights(calendar)[order]
    ws = w * s
    weight_below = np.cumsum(w, axis=1) - w
    moment_below = np.cumsum(ws, axis=1) - ws
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_at = np.where(s > 0, weight_below - moment_below / s, -np.inf)
    total_moment = ws.sum(axis=1)
    # The first breakpoint whose rate exceeds a budget is also the first whose running
    # maximum does; the running maximum is sorted, so a binary search finds it.
    running = np.maximum.accumulate(rate_at, axis=1)
    budget_array = np.asarray(values)
    first = np.stack([np.searchsorted(row, budget_array, side="right") for row in running])
    out = np.empty((len(values), s.shape[0]))
    n_hours = s.shape[1]
    for i, budget in enumerate(values):
        for j in range(s.shape[0]):
            k = int(first[j, i])
            if k == n_hours:
                out[i, j] = total_moment[j] / (1.0 - budget)
            else:
                load = moment_below[j, k] / (weight_below[j, k] - budget)
                out[i, j] = min(load, s[j, k])
    return out


def rate_curve(spare_mw: np.ndarray, calendar: HourCalendar, loads_mw: np.ndarray) -> np.ndarray:
    """Curtailment rate at each load, loads × columns, from the same sorted prefix sums.

    >>> from surplus.headroom.timeline import hour_calendar
    >>> import pandas as pd
    >>> idx = pd.date_range("2025-01-01", periods=2, freq="h", tz="UTC")
    >>> rate_curve(np.array([[10.0], [20.0]]), hour_calendar(idx, ["UTC"]), np.array([10, 40]))
    array([[0.   ],
           [0.625]])
    """
    spare = np.asarray(spare_mw, dtype=float).reshape(calendar.hours, -1)
    loads = np.asarray(loads_mw, dtype=float)
    clipped = np.maximum(spare, 0.0).T
    order = np.argsort(clipped, axis=1)
    s = np.take_along_axis(clipped, order, axis=1)
    w = hour_weights(calendar)[order]
    zero = np.zeros((s.shape[0], 1))
    weight = np.concatenate([zero, np.cumsum(w, axis=1)], axis=1)
    moment = np.concatenate([zero, np.cumsum(w * s, axis=1)], axis=1)
    out = np.zeros((len(loads), s.shape[0]))
    for j in range(s.shape[0]):
        below = np.searchsorted(s[j], loads, side="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = weight[j, below] - moment[j, below] / loads
        out[:, j] = np.where(loads > 0, rates, 0.0)
    return out
