"""`surplus simulate`: the controller, the VTN and simulated agents over a day of the
dispatch, with a report of what households kept and what the flexible loads gave up."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from surplus.console import console, fails_cleanly, print_frame, progress_bar
from surplus.errors import SurplusError


@fails_cleanly
def simulate_command(
    path: Annotated[Path | None, typer.Argument(help="Dataset folder (default: Pakistan).")] = None,
    day: Annotated[
        str | None,
        typer.Option(
            help="Local day YYYY-MM-DD (default: the day with the most shortfall for these sites)."
        ),
    ] = None,
    sites: Annotated[
        str | None,
        typer.Option(
            help="NAME:MW,… plants or zones to place the "
            "programme at (default: the three named plants, "
            "2,000 MW)."
        ),
    ] = None,
    term_sheets: Annotated[
        Path | None,
        typer.Option(
            "--term-sheets",
            help="Simulate the allocation's grants instead: the term_sheets/ folder that "
            "`surplus allocate` writes (or a JSON file of sheets).",
        ),
    ] = None,
    liars: Annotated[
        int, typer.Option(min=0, help="Mining farms that acknowledge orders but never curtail.")
    ] = 1,
    frequency_dip: Annotated[
        str | None,
        typer.Option(help="HH:MM local: frequency falls to 49.6 Hz for a minute ('none': no dip)."),
    ] = "10:00",
    hours: Annotated[float, typer.Option(min=1, max=24, help="Hours of the day to run.")] = 24.0,
    month: Annotated[
        str | None,
        typer.Option(
            help="YYYY-MM: run the whole local month (the dataset's year stands for it) and "
            "keep what settlement needs in --out: simulation.db, meter/*.csv and prices.csv "
            "(then `surplus settle month`)."
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            min=1, max=31, help="Run this many days from --day (or from --month's first)."
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for report.html and summary.json.")] = Path(
        "simulation"
    ),
) -> None:
    """Run the grid-protection controller, the OpenADR VTN and one simulated agent per
    site on a virtual clock over a day of the dispatch; write report.html."""
    from surplus.contracts import load_term_sheets
    from surplus.control.feeds import DispatchReplay
    from surplus.dispatch import dispatch
    from surplus.grid import load_dataset
    from surplus.simulation import scenario as sc
    from surplus.simulation.report import write_report
    from surplus.simulation.summary import summarise
    from surplus.simulation.world import World

    chosen_day: date | None = None
    if month is not None:
        if day is not None:
            raise SurplusError("give --day or --month, not both")
        chosen_day = _first_of(month)
        days = days or _month_days(chosen_day)
    if day is not None:
        try:
            chosen_day = date.fromisoformat(day)
        except ValueError:
            raise SurplusError(f"--day: expected YYYY-MM-DD, found {day!r}") from None
    dataset = load_dataset(path) if path is not None else load_dataset()
    plant_zone = {str(k): str(v) for k, v in dataset.plants["zone"].items()}
    zones = [str(z) for z in dataset.zones.index]
    sheets = None
    if term_sheets is not None:
        if sites is not None:
            raise SurplusError("give --sites or --term-sheets, not both")
        sheets = load_term_sheets(term_sheets)
        unknown = sorted({s.zone for s in sheets} - set(zones))
        if unknown:
            raise SurplusError(f"--term-sheets: zones not in the dataset: {', '.join(unknown)}")
        # Zones and MW choose the day; the sheets are set in force on it below.
        programme = sc.allocated_sites(sheets, date(2000, 1, 1), liars)
    elif sites is None:
        placements = [(name, plant_zone[name], mw) for name, mw in sc.NAMED if name in plant_zone]
        if not placements:
            raise SurplusError("this dataset has none of the named plants; give --sites")
        programme = sc.programme_sites(placements, liars)
    else:
        programme = sc.programme_sites(sc.parse_placements(sites, plant_zone, zones), liars)
    tz = dataset.info.timezone
    with progress_bar("dispatch") as progress:
        result = dispatch(dataset, progress=progress)
    if chosen_day is None:
        chosen = sc.worst_day(sc.shortfall_mw(result.spare_mw, programme), result.spare_mw, tz)
    else:
        chosen = chosen_day
    if sheets is not None:
        programme = sc.allocated_sites(sheets, chosen, liars)
    dips: tuple[sc.FrequencyDip, ...] = ()
    if frequency_dip and frequency_dip != "none":
        dips = (sc.dip_at(chosen, tz, frequency_dip, 60.0, 49.6),)
    scenario = sc.Scenario(programme, chosen, tz, dips)
    start = scenario.start
    first = result.spare_mw.index[0].to_pydatetime()
    if not first <= start <= result.spare_mw.index[-1].to_pydatetime():
        raise SurplusError(f"--day {chosen} is outside the dataset's year")
    feed = DispatchReplay(result.spare_mw, result.price_pkr_per_mwh, start, start)
    span = timedelta(days=days) if days is not None else timedelta(hours=hours)
    end = start + span
    if end > result.spare_mw.index[-1].to_pydatetime() + timedelta(hours=1):
        raise SurplusError(f"{days} days from {chosen} run past the dataset's year")
    keep = days is not None
    if keep:
        out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, progress_bar("simulated seconds") as progress:
        world = World(scenario, feed, out if keep else Path(work))
        console.print(world.security_note())
        outcome = asyncio.run(world.run(end, progress))
    if keep:
        from surplus.simulation.settlement_inputs import write_settlement_inputs

        written = write_settlement_inputs(outcome, result.price_pkr_per_mwh, out)
        console.print(f"Settlement inputs: {', '.join(str(p) for p in written)}")
    summary = summarise(outcome)
    report = write_report(outcome, summary, out)
    print_frame(summary.zones, title=f"Households, {chosen}", digits=1)
    print_frame(summary.sites.drop(columns=["behaviour"]), title="Sites", digits=1)
    facts = summary.facts
    console.print(
        f"Households would have lost {facts['households_lost_without_mwh']:,.1f} MWh without "
        f"the controller and lost {facts['households_lost_with_mwh']:,.1f} MWh with it; flexible "
        f"loads gave up {facts['flexible_curtailed_mwh']:,.1f} MWh. {facts['orders']} orders, "
        f"{facts['noncompliance_records']} non-compliance records, audit chain "
        f"{'intact' if facts['audit_chain_ok'] else 'BROKEN'} ({facts['audit_entries']} entries)."
    )
    console.print(f"Report: {report}")


def _first_of(month: str) -> date:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise SurplusError(f"--month: expected YYYY-MM, found {month!r}") from None
    return first


def _month_days(first: date) -> int:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (following - first).days
