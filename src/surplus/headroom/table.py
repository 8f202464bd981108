"""The headroom table every headroom command prints, and the CSV it can write."""

from __future__ import annotations

import calendar as std_calendar
from collections.abc import Mapping, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

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
        month = stats.busiest_month
        hour = stats.busiest_hour_of_day
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
            std_calendar.month_abbr[month] if month else "",
            f"{hour:02d}:00" if hour is not None else "",
        )
    return table


def print_headroom(result: HeadroomTable, title: str, console: Console) -> None:
    console.print(rich_table(result, title))


def write_headroom_csv(result: HeadroomTable, path: Path) -> None:
    """One row per region and budget (budget as a fraction: 0.005 for 0.5 %)."""
    result.to_frame().to_csv(path, index=False, float_format="%.10g")


def _when(stats: CurtailmentStats) -> tuple[str, str]:
    month, hour = stats.busiest_month, stats.busiest_hour_of_day
    return (
        std_calendar.month_abbr[month] if month else "",
        f"{hour:02d}:00" if hour is not None else "",
    )


def ranking_table(ranks: Sequence[SiteRank], title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    headers = [
        "#",
        "site",
        "zone",
        "firm MW",
        "MW at budget",
        "price PKR/MWh",
        "curtailed h/yr",
        "season",
        "month",
        "hour",
    ]
    for i, header in enumerate(headers):
        table.add_column(header, justify="right" if i in (0, 3, 4, 5, 6) else "left")
    for position, rank in enumerate(ranks, start=1):
        month, hour = _when(rank.curtailment)
        price = rank.price_pkr_per_mwh
        table.add_row(
            str(position),
            rank.site.name,
            rank.site.zone,
            f"{rank.firm_mw:,.0f}",
            f"{rank.headroom_mw:,.0f}",
            f"{price:,.0f}" if price == price else "",
            f"{rank.curtailment.curtailed_hours_per_year:,.1f}",
            rank.season,
            month,
            hour,
        )
    return table


def joint_table(answer: JointAnswer, title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    headers = [
        "site",
        "zone",
        "load MW",
        "run",
        "rate",
        "curtailed MWh/yr",
        "curtailed h/yr",
        "≥50% served h/yr",
        "events/yr",
        "longest h",
        "month",
        "hour",
        "price PKR/MWh",
    ]
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i in (0, 1, 3) else "right")
    for item in answer.sites:
        for run, stats in (("independent", item.independent), ("joint", item.joint)):
            month, hour = _when(stats)
            price = item.joint_price_pkr_per_mwh if run == "joint" else float("nan")
            table.add_row(
                item.site.name,
                item.site.zone,
                f"{item.site.load_mw:,.0f}",
                run,
                f"{100 * stats.rate:.3f}%",
                f"{stats.curtailed_mwh_per_year:,.0f}",
                f"{stats.curtailed_hours_per_year:,.1f}",
                f"{stats.hours_serving_50pct_per_year:,.1f}",
                f"{stats.events_per_year:,.1f}",
                str(stats.longest_event_hours),
                month,
                hour,
                f"{price:,.0f}" if price == price else "",
            )
    return table


def thresholds_table(result: DemandHeadroom, rules: Mapping[str, SeasonRule]) -> Table:
    """The seasonal thresholds behind a demand-history run, and hours already above them."""
    table = Table(title="Seasonal peak thresholds", title_justify="left", header_style="bold")
    for i, header in enumerate(
        [
            "region",
            "summer MW",
            "set by months",
            "winter MW",
            "set by months",
            "hours above threshold",
        ]
    ):
        table.add_column(header, justify="right" if i in (1, 3, 5) else "left")
    for region, used in result.thresholds.items():
        rule = rules.get(region, SeasonRule())
        table.add_row(
            region,
            f"{used.summer_mw:,.0f}",
            _months(rule.summer_peak_months),
            f"{used.winter_mw:,.0f}",
            _months(rule.winter_peak_months),
            f"{result.hours_above_threshold[region]:,}",
        )
    return table


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
