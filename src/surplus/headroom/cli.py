"""`surplus headroom` and `surplus sites`: thin shells over the headroom library.

Register with the main app, e.g. ``app.command("headroom")(headroom_command)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from surplus.console import console, fails_cleanly, frame_table, progress_bar, stage_bars
from surplus.headroom.assess import DEFAULT_BUDGETS
from surplus.headroom.demand import (
    DUKE_SEASON_RULES,
    US_BA_TIMEZONES,
    SeasonRule,
    demand_headroom,
)
from surplus.headroom.demand_file import EMBEDDED_DEMAND, read_demand
from surplus.headroom.grid import zone_headroom
from surplus.headroom.joint import joint_verdict
from surplus.headroom.table import (
    joint_table,
    print_headroom,
    ranking_frame,
    thresholds_table,
    write_headroom_csv,
)
from surplus.headroom.timeline import HeadroomError

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult
    from surplus.grid.model import Dataset


def dispatched(
    path: Path | None, cost_cap_pkr_per_mwh: float | None = None
) -> tuple[Dataset, DispatchResult]:
    """Load a dataset and dispatch it, with a progress bar."""
    from surplus.dispatch import dispatch
    from surplus.grid.load import load_dataset

    if cost_cap_pkr_per_mwh is not None and cost_cap_pkr_per_mwh < 0:
        raise HeadroomError(f"--cost-cap must be at least 0, got {cost_cap_pkr_per_mwh:g}")
    dataset = load_dataset(path)
    with progress_bar(f"dispatch {dataset.info.name}") as progress:
        return dataset, dispatch(
            dataset, progress=progress, cost_cap_pkr_per_mwh=cost_cap_pkr_per_mwh
        )


CostCapOption = Annotated[
    float | None,
    typer.Option(
        "--cost-cap",
        help="Highest marginal cost, PKR/MWh at the plant, counted in headroom at a cost. "
        "Default: the dataset's cost cap (tariff net of network charge and losses).",
        show_default=False,
    ),
]


def _cost_title(base: DispatchResult) -> str:
    cap = base.cost_cap_pkr_per_mwh
    if cap == float("inf"):
        return "at a cost (no cost cap declared: as physical)"
    return f"at a cost (marginal cost ≤ {cap:,.0f} PKR/MWh)"


def parse_months(text: str) -> frozenset[int]:
    """'5-9' → May to September; '11-3' wraps over the new year; '6,7,8' lists months.

    >>> sorted(parse_months("11-3"))
    [1, 2, 3, 11, 12]
    """
    months: set[int] = set()
    try:
        for part in text.split(","):
            ends = [int(x) for x in part.split("-")]
            if len(ends) > 2 or not all(1 <= m <= 12 for m in ends):
                raise HeadroomError(f"months run from 1 to 12; got '{text}'")
            first, last = ends[0], ends[-1]
            months.update((first - 1 + k) % 12 + 1 for k in range((last - first) % 12 + 1))
    except ValueError:
        raise HeadroomError(f"months are written like 6-8, 11-3 or 6,7,8; got '{text}'") from None
    return frozenset(months)


def season_rules(summer_peak: list[str], winter_peak: list[str]) -> dict[str, SeasonRule]:
    """The report's rules, overridden by REGION=MONTHS options."""
    rules = dict(DUKE_SEASON_RULES)
    for options, field in (
        (summer_peak, "summer_peak_months"),
        (winter_peak, "winter_peak_months"),
    ):
        for option in options:
            region, sep, months = option.partition("=")
            if not sep or not region:
                raise HeadroomError(
                    f"write a peak window as REGION=MONTHS, e.g. CAISO=5-9; got '{option}'"
                )
            base = rules.get(region, SeasonRule())
            rules[region] = SeasonRule(**{**base.__dict__, field: parse_months(months)})
    return rules


Budgets = Annotated[
    list[float] | None,
    typer.Option(
        "--budget",
        help="Curtailment budget as a fraction (0.005 = 0.5 %); repeat "
        "for several. Default: 0 (firm), 0.0025, 0.005, 0.01, 0.05.",
    ),
]


@fails_cleanly
def headroom_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Grid dataset folder (spare capacity from the dispatch); the embedded Pakistan "
            "dataset when left out.",
            show_default=False,
        ),
    ] = None,
    demand: Annotated[
        str | None,
        typer.Option(
            "--demand",
            help="Hourly demand history: a CSV with a 'timestamp' column with a time zone and "
            "one MW column per region, or the name of an embedded history "
            f"({', '.join(EMBEDDED_DEMAND)}). Uses Norris et al.'s seasonal peak thresholds.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the table as CSV, one row per region and budget.",
            show_default=False,
        ),
    ] = None,
    budget: Budgets = None,
    timezone: Annotated[
        str,
        typer.Option(
            "--timezone",
            help="Local time zone of regions other than the 22 US balancing "
            "authorities (their zones are built in): it sets the months of the seasonal "
            "thresholds and the month and hour reported. Pass e.g. Asia/Karachi; UTC otherwise.",
        ),
    ] = "UTC",
    summer_peak: Annotated[
        list[str] | None,
        typer.Option(
            "--summer-peak",
            help="REGION=MONTHS setting the summer threshold, e.g. CAISO=5-9.",
            show_default=False,
        ),
    ] = None,
    winter_peak: Annotated[
        list[str] | None,
        typer.Option(
            "--winter-peak",
            help="REGION=MONTHS setting the winter threshold, e.g. FPL=11-3.",
            show_default=False,
        ),
    ] = None,
    cost_cap: CostCapOption = None,
) -> None:
    """Curtailment-enabled headroom: the largest new load each region takes per budget.

    The load is constant; each budget caps the share of its energy that may be curtailed.
    The table also says when the curtailed hours fall (local month and hour)."""
    budgets = tuple(budget) if budget else DEFAULT_BUDGETS
    at_cost = None
    if demand is None:
        dataset, base = dispatched(path, cost_cap)
        result = zone_headroom(base, budgets)
        at_cost = zone_headroom(base, budgets, kind="at_cost")
        title = (
            f"Curtailment-enabled headroom — {dataset.info.name} (spare capacity from "
            "dispatch), physical"
        )
        cost_title = f"Curtailment-enabled headroom — {dataset.info.name}, {_cost_title(base)}"
    else:
        frame = read_demand(demand)
        zones = {region: US_BA_TIMEZONES.get(region, timezone) for region in frame.columns}
        rules = season_rules(summer_peak or [], winter_peak or [])
        history = demand_headroom(frame, budgets, zones, rules)
        result = history.table
        title = f"Curtailment-enabled headroom — {Path(demand).name} (seasonal peak thresholds)"
    print_headroom(result, title, console)
    if at_cost is not None:
        print_headroom(at_cost, cost_title, console)
    if demand is not None:
        console.print(thresholds_table(history, rules))
    if out is not None:
        write_headroom_csv(result, out, at_cost)
        console.print(f"[green]wrote[/] {out}")


@fails_cleanly
def sites_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Grid dataset folder; the embedded Pakistan dataset when left out.",
            show_default=False,
        ),
    ] = None,
    site: Annotated[
        list[str] | None,
        typer.Option(
            "--site",
            help="Plant id or zone for the joint question; repeat. Default: the three "
            "coal plants named for the programme (sahiwal, port_qasim, china_power_hub).",
            show_default=False,
        ),
    ] = None,
    total_mw: Annotated[
        float,
        typer.Option("--total-mw", help="New load shared equally among the --site entries, MW."),
    ] = 2000.0,
    budget: Annotated[
        float, typer.Option("--budget", help="Curtailment budget for the ranking, a fraction.")
    ] = 0.005,
    value: Annotated[
        float | None,
        typer.Option(
            "--value",
            help="What serving the new loads is worth, PKR/MWh; default just above "
            "the dearest plant's cost.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the zone headroom table as CSV.", show_default=False),
    ] = None,
    cost_cap: CostCapOption = None,
) -> None:
    """Rank candidate sites by headroom and price; test the named sites together.

    Every zone and named plant is ranked by firm and flexible headroom, the price of the
    energy it would take and when it would be curtailed; then the new load is served at the
    named sites together and compared with each site alone."""
    from surplus.economics.siting import with_load_prices
    from surplus.study import Programme, Stages, StudyInput, run_study

    if total_mw <= 0:
        raise HeadroomError(f"--total-mw must be above 0, got {total_mw}")
    if cost_cap is not None and cost_cap < 0:
        raise HeadroomError(f"--cost-cap must be at least 0, got {cost_cap:g}")
    spec = StudyInput(
        dataset=path,
        programme=Programme(
            quota_mw=total_mw, sites=tuple(site) if site else None, value_pkr_per_mwh=value
        ),
        ranking_budget=budget,
        cost_cap_pkr_per_mwh=cost_cap,
        stages=Stages(load_shedding=False, economics=False, allocation=False),
    )
    with stage_bars() as progress:
        study = run_study(spec, progress=progress)
    dataset, base, report, prices = study.dataset, study.result, study.siting, study.prices
    assert report is not None and prices is not None  # the stages asked for
    name = dataset.info.name
    print_headroom(report.zones, f"Curtailment-enabled headroom — {name}, physical", console)
    if report.zones_at_cost is not None:
        print_headroom(
            report.zones_at_cost,
            f"Curtailment-enabled headroom — {name}, {_cost_title(base)}",
            console,
        )
    console.print(
        frame_table(
            with_load_prices(ranking_frame(report.ranks), prices),
            f"Candidate sites, ranked at a {budget:.2%} budget (price: zone marginal cost with "
            "the site's load added, weighted by the load served; before the load beside it)",
            digits=1,
        )
    )
    for answer in (report.joint, report.joint_at_cost):
        if answer is None:
            continue
        kind = "physical" if answer.kind == "physical" else _cost_title(base)
        console.print(
            joint_table(
                answer,
                f"Named sites: each alone (independent) and all together (joint dispatch), {kind}",
            )
        )
        console.print(joint_verdict(answer))
    if out is not None:
        write_headroom_csv(report.zones, out, report.zones_at_cost)
        console.print(f"[green]wrote[/] {out}")
