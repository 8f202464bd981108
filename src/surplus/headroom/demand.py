"""Spare capacity read off a plain demand history (Norris et al., "Rethinking Load Growth",
Duke Nicholas Institute, 2025): a system is assumed able to serve, in each season, the
highest demand it has already served in that season.

The summer threshold is the highest demand in the summer peak window (June-August by
default) over every year of the history, and applies from April to October; the winter
threshold is the highest demand in the winter peak window (December-February) and applies
from November to March. The report widened the peak window by a month where a region's
seasonal peak fell just outside it: CAISO summer May-September, and winter November-March
for CAISO, AZPS and FPL (report, footnote 20). Spare = threshold − demand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.headroom.assess import (
    DEFAULT_BUDGETS,
    assess_headroom,
    sorted_history,
    timezone_per_column,
)
from surplus.headroom.results import HeadroomTable
from surplus.headroom.timeline import HeadroomError, hour_calendar

SUMMER = frozenset({6, 7, 8})
WINTER = frozenset({12, 1, 2})
NOV_TO_MAR = frozenset({11, 12, 1, 2, 3})
MAY_TO_SEP = frozenset({5, 6, 7, 8, 9})
APR_TO_OCT = frozenset(range(4, 11))


@dataclass(frozen=True)
class SeasonRule:
    """Which months set each seasonal threshold, and where the summer one applies."""

    summer_peak_months: frozenset[int] = SUMMER
    winter_peak_months: frozenset[int] = WINTER
    summer_months: frozenset[int] = APR_TO_OCT
    """Months under the summer threshold; every other month is under the winter one."""


DUKE_SEASON_RULES: Mapping[str, SeasonRule] = {
    "CAISO": SeasonRule(summer_peak_months=MAY_TO_SEP, winter_peak_months=NOV_TO_MAR),
    "AZPS": SeasonRule(winter_peak_months=NOV_TO_MAR),
    "FPL": SeasonRule(winter_peak_months=NOV_TO_MAR),
}
"""The report's widened peak windows (footnote 20); every other region uses the default."""

US_BA_TIMEZONES: Mapping[str, str] = {
    **dict.fromkeys(
        ["PJM", "NYISO", "ISNE", "FPL", "DEC", "DEF", "DEP", "SCP", "DESC"], "America/New_York"
    ),
    **dict.fromkeys(["MISO", "ERCOT", "SPP", "SOCO", "TVA"], "America/Chicago"),
    **dict.fromkeys(["PACE", "PSCO"], "America/Denver"),
    **dict.fromkeys(["AZPS", "SRP"], "America/Phoenix"),
    **dict.fromkeys(["CAISO", "BPA", "PACW", "PGE"], "America/Los_Angeles"),
}
"""Local civil time of the 22 balancing authorities of the report (where most load sits)."""


@dataclass(frozen=True)
class SeasonalThresholds:
    summer_mw: float
    winter_mw: float


def seasonal_thresholds(
    demand_mw: np.ndarray, month: np.ndarray, rule: SeasonRule, region: str = ""
) -> SeasonalThresholds:
    """Highest demand in each peak window, MW."""
    found = {}
    for name, window in (("summer", rule.summer_peak_months), ("winter", rule.winter_peak_months)):
        in_window = np.isin(month, sorted(window))
        if not in_window.any():
            raise HeadroomError(
                f"{region or 'the history'} has no hours in its {name} peak months "
                f"{sorted(window)}; the method needs at least one of each season"
            )
        found[name] = float(demand_mw[in_window].max())
    return SeasonalThresholds(found["summer"], found["winter"])


def threshold_mw(month: np.ndarray, thresholds: SeasonalThresholds, rule: SeasonRule) -> np.ndarray:
    """The threshold that applies in each hour, MW."""
    summer = np.isin(month, sorted(rule.summer_months))
    return np.where(summer, thresholds.summer_mw, thresholds.winter_mw)


def spare_from_demand(
    demand_mw: pd.DataFrame,
    months: np.ndarray,
    rules: Mapping[str, SeasonRule] | None = None,
) -> tuple[pd.DataFrame, dict[str, SeasonalThresholds]]:
    """Spare MW (threshold − demand) per hour and region, with the thresholds used.

    `months` holds each hour's local month, hours × regions (as `HourCalendar.month`).
    """
    rules = DUKE_SEASON_RULES if rules is None else rules
    values = demand_mw.to_numpy(dtype=float)
    spare = np.empty_like(values)
    used = {}
    for j, region in enumerate(demand_mw.columns):
        rule = rules.get(str(region), SeasonRule())
        thresholds = seasonal_thresholds(values[:, j], months[:, j], rule, str(region))
        spare[:, j] = threshold_mw(months[:, j], thresholds, rule) - values[:, j]
        used[str(region)] = thresholds
    return pd.DataFrame(spare, index=demand_mw.index, columns=demand_mw.columns), used


@dataclass(frozen=True)
class DemandHeadroom:
    """Headroom of each region of a demand history, with the thresholds it rests on."""

    table: HeadroomTable
    thresholds: Mapping[str, SeasonalThresholds]
    hours_above_threshold: Mapping[str, int]
    """Hours where demand already exceeds the threshold that applies (shoulder months)."""


def demand_headroom(
    demand_mw: pd.DataFrame,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    timezones: Mapping[str, str] | str = US_BA_TIMEZONES,
    rules: Mapping[str, SeasonRule] | None = None,
    year_timezone: str | None = None,
) -> DemandHeadroom:
    """Norris et al.'s curtailment-enabled headroom of every column of `demand_mw` (MW).

    Regions missing from `timezones` use UTC; from `rules`, the default seasons.
    """
    demand = sorted_history(demand_mw)
    if (demand.to_numpy(dtype=float) < 0).any():
        raise HeadroomError("demand must be zero or more MW in every hour")
    regions = [str(column) for column in demand.columns]
    zones = timezone_per_column(regions, timezones)
    calendar = hour_calendar(pd.DatetimeIndex(demand.index), zones, year_timezone)
    spare, thresholds = spare_from_demand(demand, calendar.month, rules)
    table = assess_headroom(spare, budgets, dict(zip(regions, zones, strict=True)), year_timezone)
    above = {region: int((spare[region].to_numpy() < 0).sum()) for region in regions}
    return DemandHeadroom(table=table, thresholds=thresholds, hours_above_threshold=above)
