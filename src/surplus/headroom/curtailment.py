"""What a constant new load suffers when spare capacity runs short, hour by hour and per year.

Sign convention: spare MW is what the system could still serve in an hour (positive) or how
far it is already short (negative). A new constant load of L MW is curtailed by
min(L, max(0, L − spare)) in each hour: never more than itself, and fully where spare ≤ 0.
"""

from __future__ import annotations

import numpy as np

from surplus.headroom.results import CurtailmentStats
from surplus.headroom.timeline import HourCalendar

TOLERANCE_MW = 1e-3
"""Curtailment below 1 kW counts as none (solver noise in a dispatch's served load)."""


def curtailed_mw(spare_mw: np.ndarray, load_mw: np.ndarray | float) -> np.ndarray:
    """Curtailment of a constant load per hour, MW (spare: hours × columns, load per column).

    >>> curtailed_mw(np.array([[5.0], [2.0], [-1.0]]), 3.0).ravel().tolist()
    [0.0, 1.0, 3.0]
    """
    load = np.asarray(load_mw, dtype=float)
    return np.minimum(load, np.maximum(0.0, load - spare_mw))


def year_starts(calendar: HourCalendar) -> tuple[np.ndarray, np.ndarray]:
    """First row of each year and the hours each year has (years are contiguous when sorted)."""
    if calendar.hours == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    change = np.flatnonzero(np.diff(calendar.year)) + 1
    starts = np.concatenate([[0], change])
    hours = np.diff(np.concatenate([starts, [calendar.hours]]))
    return starts, hours


def yearly_rates(curtailed: np.ndarray, load_mw: np.ndarray, calendar: HourCalendar) -> np.ndarray:
    """Curtailment rate per year, years × columns; zero where the load is zero."""
    starts, hours = year_starts(calendar)
    energy = np.add.reduceat(curtailed, starts, axis=0)
    load = np.asarray(load_mw, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = energy / (load[None, :] * hours[:, None])
    return np.where(load[None, :] > 0, rates, 0.0)


def curtailment_rate(
    spare_mw: np.ndarray, load_mw: np.ndarray | float, calendar: HourCalendar
) -> np.ndarray:
    """Mean yearly curtailment rate of a constant load per column (direct evaluation)."""
    spare = np.asarray(spare_mw, dtype=float).reshape(calendar.hours, -1)
    load = np.broadcast_to(np.asarray(load_mw, dtype=float), (spare.shape[1],))
    return yearly_rates(curtailed_mw(spare, load), load, calendar).mean(axis=0)


def _runs(mask: np.ndarray, follows: np.ndarray) -> np.ndarray:
    """Lengths of runs of True that are consecutive in time."""
    starts = mask & ~(np.concatenate([[False], mask[:-1]]) & follows)
    run_id = np.cumsum(starts)[mask]
    return np.bincount(run_id)[1:] if run_id.size else np.zeros(0, dtype=int)


def curtailment_stats(
    curtailed: np.ndarray, load_mw: np.ndarray, calendar: HourCalendar
) -> list[CurtailmentStats]:
    """Statistics of each column's curtailment (hours × columns MW) for loads of `load_mw`."""
    curtailed = np.asarray(curtailed, dtype=float)
    load = np.asarray(load_mw, dtype=float)
    n_years = len(year_starts(calendar)[0])
    rates = yearly_rates(curtailed, load, calendar).mean(axis=0)
    hit = curtailed > TOLERANCE_MW
    with np.errstate(divide="ignore", invalid="ignore"):
        served = np.where(load > 0, 1.0 - curtailed / load, 1.0)
    out = []
    for j in range(curtailed.shape[1]):
        mask = hit[:, j]
        runs = _runs(mask, calendar.follows)
        cells = (calendar.month[mask, j].astype(int) - 1) * 24 + calendar.hour_of_day[mask, j]
        grid = np.bincount(cells, minlength=12 * 24).reshape(12, 24)
        months, hours = grid.sum(axis=1), grid.sum(axis=0)
        shares = [int((mask & (served[:, j] >= share - 1e-12)).sum()) for share in (0.5, 0.75, 0.9)]
        per_year = max(n_years, 1)
        out.append(
            CurtailmentStats(
                load_mw=float(load[j]),
                rate=float(rates[j]),
                years=n_years,
                curtailed_mwh_per_year=float(curtailed[:, j].sum()) / per_year,
                curtailed_hours_per_year=int(mask.sum()) / per_year,
                hours_serving_50pct_per_year=shares[0] / per_year,
                hours_serving_75pct_per_year=shares[1] / per_year,
                hours_serving_90pct_per_year=shares[2] / per_year,
                events=len(runs),
                events_per_year=len(runs) / per_year,
                mean_event_hours=float(runs.mean()) if len(runs) else 0.0,
                longest_event_hours=int(runs.max()) if len(runs) else 0,
                curtailed_hours_by_month=tuple(int(x) for x in months),
                curtailed_hours_by_hour_of_day=tuple(int(x) for x in hours),
                curtailed_hours_by_month_and_hour=tuple(tuple(int(x) for x in row) for row in grid),
            )
        )
    return out
