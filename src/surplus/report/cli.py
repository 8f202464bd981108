"""`surplus assess`: the main job — dispatch a dataset's year and report where the surplus is."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from surplus.console import console, err_console, fails_cleanly, print_frame, progress_bar
from surplus.grid.cli import DatasetPath
from surplus.grid.load import load_dataset
from surplus.grid.model import Dataset
from surplus.report.html import Section
from surplus.report.summary import Assessment

PROGRAMME_MW = 2000.0
"""The first phase of the programme: 2,000 MW at the three named coal plants."""

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult


@fails_cleanly
def assess(
    path: DatasetPath = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html and summary.json.")
    ] = Path("out"),
    economics: Annotated[
        bool, typer.Option(help="Add the programme's tariffs and the subsidy test (3 dispatches).")
    ] = True,
    allocation: Annotated[
        bool, typer.Option(help="Add the allocation of the sample applications (1+ dispatches).")
    ] = True,
) -> None:
    """Dispatch every hour of the year; report surplus by zone and season, and write the report."""
    from surplus.dispatch import dispatch
    from surplus.report.assess import write_outputs
    from surplus.report.summary import summarise

    dataset = load_dataset(path)
    console.print(
        f"[bold]{dataset.info.name}[/] {dataset.info.year}: "
        f"{len(dataset.operating_plants)} plants, {len(dataset.zones)} zones, "
        f"{len(dataset.snapshots):,} hours"
    )
    with progress_bar("dispatch") as progress:
        result = dispatch(dataset, progress=progress)
    assessment = summarise(dataset, result)
    _print_summary(assessment)
    sections = _headroom(dataset, result)
    if economics:
        sections += _economics(dataset, result)
    if allocation:
        sections += _allocation(dataset, result)
    json_path, html_path = write_outputs(assessment, out, sections)
    totals = assessment.totals
    console.print(
        f"unserved energy {totals['unserved_gwh']:,.1f} GWh; "
        f"total variable cost {totals['total_cost_pkr'] / 1e9:,.1f} bn "
        f"{dataset.info.currency}"
    )
    console.print(f"[green]wrote[/] {json_path} and {html_path}")


def _print_summary(assessment: Assessment) -> None:
    print_frame(
        assessment.spare_by_zone_season_gwh,
        "Spare energy by zone and season, GWh (each zone alone)",
    )
    print_frame(assessment.hours_above_threshold, "Hours per year with at least this spare (MW)")
    named = assessment.named_plants[["name", "capacity_mw", "energy_gwh", "utilisation"]]
    print_frame(
        named.assign(utilisation=named["utilisation"] * 100).rename(
            columns={"utilisation": "utilisation_%"}
        ),
        "Utilisation of the named plants",
        digits=1,
    )


def _headroom(dataset: Dataset, result: DispatchResult, budget: float = 0.005) -> list[Section]:
    from surplus.dispatch import dispatch
    from surplus.headroom.joint import joint_verdict
    from surplus.headroom.sites import NAMED_PLANTS, split_load
    from surplus.headroom.siting import assess_siting
    from surplus.report.headroom_section import headroom_section

    named = [plant for plant in NAMED_PLANTS if plant in dataset.plants.index]
    sites = split_load(dataset, named, PROGRAMME_MW) if named else ()
    with progress_bar("headroom") as progress:
        report = assess_siting(dataset, result, sites, budget, run=dispatch)
        progress(1, 1)
    if report.joint is not None:
        console.print(joint_verdict(report.joint))
    return [headroom_section(report, budget)]


def _economics(dataset: Dataset, result: DispatchResult) -> list[Section]:
    from surplus.dispatch import dispatch
    from surplus.economics.programme import PROGRAMME_PLANTS, default_programme
    from surplus.economics.study import reuse_base, run_study
    from surplus.loads.bitcoin import constant_scenario
    from surplus.report.economics_section import economics_section

    if not set(PROGRAMME_PLANTS) <= set(dataset.plants.index):
        err_console.print(
            "[dim]economics skipped: the dataset lacks the programme's plants "
            f"({', '.join(PROGRAMME_PLANTS)})[/]"
        )
        return []
    programme = default_programme(dataset.plants)
    scenario = constant_scenario(dataset.snapshots)
    with progress_bar("economics") as progress:
        steps = iter(range(1, 5))

        def step(_message: str) -> None:
            progress(next(steps), 4)

        study = run_study(dataset, programme, scenario, reuse_base(dispatch, result), progress=step)
    return [economics_section(study, dataset.info.timezone)]


def _allocation(dataset: Dataset, result: DispatchResult) -> list[Section]:
    from surplus.allocation import allocate, grid_capacity, known_sites, read_applications
    from surplus.allocation.cli import sample_applications
    from surplus.errors import InputError
    from surplus.report.allocation_section import allocation_section

    try:
        applications = read_applications(sample_applications(), known_sites(dataset))
    except InputError:
        err_console.print("[dim]allocation skipped: the sample applications name other sites[/]")
        return []
    with progress_bar("allocation") as progress:
        done = allocate(
            applications,
            grid_capacity(dataset, result),
            dataset,
            progress=lambda _s, step, total: progress(step, total),
        )
    return [allocation_section(done)]
