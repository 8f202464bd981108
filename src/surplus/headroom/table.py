"""The headroom table every headroom command prints, and the CSV it can write."""

from __future__ import annotations

import calendar as std_calendar
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from surplus.console import frame_table
from surplus.headroom.demand import DemandHeadroom, SeasonRule
from surplus.headroom.joint import JointAnswer
from surplus.headroom.results import CurtailmentStats, HeadroomTable
from surplus.headroom.sites import SiteRank


def budget_label(budget: float) -> str:
    """'firm' for a zero budget, else a percentage.

    >>> budget_label(0.0), budget_label(0.0025), budget_label(0.05)
    ('firm', '0.25%', '5%')
    """
    return "firm" if budget == 0 else f"{budget * 100:g}%"


def rich_table(result: HeadroomTable, title: str) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        caption="month and hour: when curtailed hours fall most often (local time)",
        caption_justify="left",
    )
    headers = [
        "region",
        "budget",
        "MW",
        "curtailed MWh/yr",
        "curtailed h/yr",
        "≥50% served h/yr",
        "≥90% served h/yr",
        "events/yr",
        "mean event h",
        "longest h",
        "month",
        "hour",
    ]
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i < 2 else "right")
    for item in result.items:
        stats = item.curtailment
        table.add_row(
            item.region,
            budget_label(item.budget),
            f"{item.headroom_mw:,.0f}",
            f"{stats.curtailed_mwh_per_year:,.0f}",
            f"{stats.curtailed_hours_per_year:,.1f}",
            f"{stats.hours_serving_50pct_per_year:,.1f}",
            f"{stats.hours_serving_90pct_per_year:,.1f}",
            f"{stats.events_per_year:,.1f}",
            f"{stats.mean_event_hours:.1f}",
            f"{stats.longest_event_hours}",
            *_when(stats),
        )
    return table


def print_headroom(result: HeadroomTable, title: str, console: Console) -> None:
    console.print(rich_table(result, title))


def write_headroom_csv(
    result: HeadroomTable, path: Path, at_cost: HeadroomTable | None = None
) -> None:
    """One row per region and budget (budget as a fraction: 0.005 for 0.5 %); with
    `at_cost`, a `kind` column (`physical`, `at_cost`) and that table's rows after."""
    frame = result.to_frame()
    if at_cost is not None:
        frame = pd.concat(
            [frame.assign(kind="physical"), at_cost.to_frame().assign(kind="at_cost")],
            ignore_index=True,
        )
    frame.to_csv(path, index=False, float_format="%.10g")


def _when(stats: CurtailmentStats) -> tuple[str, str]:
    month, hour = stats.busiest_month, stats.busiest_hour_of_day
    return (
        std_calendar.month_abbr[month] if month else "",
        f"{hour:02d}:00" if hour is not None else "",
    )


def ranking_frame(ranks: Sequence[SiteRank]) -> pd.DataFrame:
    """Candidate sites in rank order, one row each."""
    rows = []
    for rank in ranks:
        month, hour = _when(rank.curtailment)
        rows.append(
            {
                "site": rank.site.name,
                "zone": rank.site.zone,
                "firm_mw": rank.firm_mw,
                "headroom_mw": rank.headroom_mw,
                "firm_at_cost_mw": rank.firm_at_cost_mw,
                "headroom_at_cost_mw": rank.headroom_at_cost_mw,
                "price_pkr_per_mwh": rank.price_pkr_per_mwh,
                "curtailed_hours_per_year": rank.curtailment.curtailed_hours_per_year,
                "season": rank.season,
                "month": month,
                "hour": hour,
            }
        )
    frame = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1, name="rank"))
    return frame


def joint_frame(answer: JointAnswer) -> pd.DataFrame:
    """Each site alone (independent) and with the others (joint), one row per site and run."""
    rows = []
    for item in answer.sites:
        for run, stats in (("independent", item.independent), ("joint", item.joint)):
            month, hour = _when(stats)
            rows.append(
                {
                    "site": item.site.name,
                    "zone": item.site.zone,
                    "load_mw": item.site.load_mw,
                    "run": run,
                    "rate_pct": 100 * stats.rate,
                    "curtailed_mwh_per_year": stats.curtailed_mwh_per_year,
                    "curtailed_hours_per_year": stats.curtailed_hours_per_year,
                    "hours_50pct_served_per_year": stats.hours_serving_50pct_per_year,
                    "events_per_year": stats.events_per_year,
                    "longest_event_hours": stats.longest_event_hours,
                    "month": month,
                    "hour": hour,
                    "price_pkr_per_mwh": item.joint_price_pkr_per_mwh if run == "joint" else np.nan,
                }
            )
    return pd.DataFrame(rows).set_index("site")


def ranking_table(ranks: Sequence[SiteRank], title: str) -> Table:
    return frame_table(ranking_frame(ranks), title, digits=1)


def joint_table(answer: JointAnswer, title: str) -> Table:
    return frame_table(joint_frame(answer), title, digits=1)


def thresholds_frame(result: DemandHeadroom, rules: Mapping[str, SeasonRule]) -> pd.DataFrame:
    """The seasonal thresholds behind a demand-history run, and hours already above them."""
    rows = []
    for region, used in result.thresholds.items():
        rule = rules.get(region, SeasonRule())
        rows.append(
            {
                "region": region,
                "summer MW": used.summer_mw,
                "summer set by months": _months(rule.summer_peak_months),
                "winter MW": used.winter_mw,
                "winter set by months": _months(rule.winter_peak_months),
                "hours above threshold": int(result.hours_above_threshold[region]),
            }
        )
    return pd.DataFrame(rows).set_index("region")


def thresholds_table(result: DemandHeadroom, rules: Mapping[str, SeasonRule]) -> Table:
    return frame_table(thresholds_frame(result, rules), "Seasonal peak thresholds")


def _months(months: frozenset[int]) -> str:
    """'May-Sep' for a run of months (wrapping over the year end), else a list.

    >>> _months(frozenset({11, 12, 1, 2, 3})), _months(frozenset({1, 7}))
    ('Nov-Mar', 'Jan,Jul')
    """
    names = std_calendar.month_abbr
    if len(months) == 12:
        return "all year"
    starts = [m for m in months if (m - 2) % 12 + 1 not in months]
    if len(starts) == 1:
        first = starts[0]
        last = (first - 1 + len(months) - 1) % 12 + 1
        return names[first] if first == last else f"{names[first]}-{names[last]}"
    return ",".join(names[m] for m in sorted(months))
