"""`surplus assess`: the main job — dispatch a dataset's year and report where the surplus is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from surplus.console import console, err_console, fails_cleanly, print_frame, progress_bar
from surplus.grid.cli import DatasetPath
from surplus.grid.load import load_dataset
from surplus.grid.model import Dataset
from surplus.report.html import Section
from surplus.report.summary import Assessment
from surplus.sensitivity import Setting, apply_changes, parse_setting, read_scenario
from surplus.sensitivity import resolve_settings as resolve

PROGRAMME_MW = 2000.0
"""The first phase of the programme: 2,000 MW at the three named coal plants."""

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult, FlexibleLoad
    from surplus.headroom.joint import JointAnswer
    from surplus.headroom.sites import Site
    from surplus.report.calibration_section import SheddingComparison


@fails_cleanly
def assess(
    path: DatasetPath = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html and summary.json.")
    ] = Path("out"),
    economics: Annotated[
        bool, typer.Option(help="Add the programme's tariffs and the subsidy test (3 dispatches).")
    ] = True,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="KEY=VALUE: a change from the base dataset, e.g. corridor.southern_ring=70%, "
            "demand=+15%, hydro=80%, plant.k2=out, fuel_limit.rlng=80%, reserve.regions=off, "
            "load_shedding=on (repeatable; keys in docs/sensitivities.md).",
        ),
    ] = None,
    scenario: Annotated[
        Path | None,
        typer.Option(help="A scenario TOML file: KEY = VALUE lines under set; --set wins."),
    ] = None,
    siting_prices: Annotated[
        bool,
        typer.Option(help="Price each candidate site with its load added (one dispatch per zone)."),
    ] = True,
    load_shedding: Annotated[
        bool,
        typer.Option(
            help="Also answer the programme's question with the demand load-shedding "
            "suppresses (or without it, when --set adds it): 2 more dispatches; Pakistan only."
        ),
    ] = True,
    allocation: Annotated[
        bool, typer.Option(help="Add the allocation of the sample applications (1+ dispatches).")
    ] = True,
) -> None:
    """Dispatch every hour of the year; report surplus by zone and season, and write the report."""
    from surplus.dispatch import dispatch
    from surplus.report.assess import write_outputs
    from surplus.report.summary import summarise

    base = load_dataset(path)
    given = _settings(scenario, settings or [])
    dataset, changes = apply_changes(base, resolve(base, given))
    console.print(
        f"[bold]{dataset.info.name}[/] {dataset.info.year}: "
        f"{len(dataset.operating_plants)} plants, {len(dataset.zones)} zones, "
        f"{len(dataset.snapshots):,} hours"
    )
    for change in changes:
        console.print(f"[yellow]change[/] {change.key}={change.value}: {change.change}")
    with progress_bar("dispatch") as progress:
        result = dispatch(dataset, progress=progress)
    assessment = summarise(dataset, result)
    _print_summary(assessment)
    _print_penalised(result)
    sites = _programme_sites(dataset)
    headroom, joint = _headroom(dataset, result, sites, priced=siting_prices)
    sections = [headroom]
    if "Pakistan" in dataset.info.name:
        shedding = None
        if load_shedding and joint is not None:
            shedding = _with_and_without_shedding(base, given, dataset, result, joint, sites)
        sections.append(_calibration(assessment, shedding, bool(changes)))
    if economics:
        sections += _economics(dataset, result)
    if allocation:
        sections += _allocation(dataset, result)
    json_path, html_path = write_outputs(assessment, out, sections, changes)
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


def _print_penalised(result: DispatchResult) -> None:
    """Penalised hours, counted by kind and place, with the most frequent cause."""
    from surplus.report.summary import penalised_summary

    table = penalised_summary(result)
    if table.empty:
        console.print("no hour sheds load, spills must-run output or runs short of reserve")
        return
    print_frame(table, "Penalised hours (each with its cause in summary.json)", digits=1)


def _settings(scenario: Path | None, texts: list[str]) -> list[Setting]:
    """The scenario file's settings, then each --set (so --set overrides the file)."""
    given = list(read_scenario(scenario)) if scenario is not None else []
    return given + [parse_setting(text) for text in texts]


def _programme_sites(dataset: Dataset) -> tuple[Site, ...]:
    from surplus.headroom.sites import NAMED_PLANTS, split_load

    named = [plant for plant in NAMED_PLANTS if plant in dataset.plants.index]
    return split_load(dataset, named, PROGRAMME_MW) if named else ()


def _headroom(
    dataset: Dataset,
    result: DispatchResult,
    sites: tuple[Site, ...],
    budget: float = 0.005,
    priced: bool = True,
) -> tuple[Section, JointAnswer | None]:
    from surplus.dispatch import dispatch
    from surplus.economics.siting import prices_with_load
    from surplus.headroom.joint import joint_verdict
    from surplus.headroom.siting import assess_siting
    from surplus.report.headroom_section import headroom_section

    with progress_bar("headroom") as progress:
        report = assess_siting(dataset, result, sites, budget, run=dispatch)
        progress(1, 1)
    for answer in (report.joint, report.joint_at_cost):
        if answer is not None:
            console.print(joint_verdict(answer))
    prices = None
    if priced:

        def run(data: Dataset, loads: Sequence[FlexibleLoad]) -> DispatchResult:
            return dispatch(data, loads, base=result)

        with progress_bar("siting prices with the load") as progress:
            prices = prices_with_load(dataset, report.ranks, run, progress)
    return headroom_section(report, budget, prices), report.joint


def _with_and_without_shedding(
    base: Dataset,
    given: list[Setting],
    dataset: Dataset,
    result: DispatchResult,
    joint: JointAnswer,
    sites: tuple[Site, ...],
) -> SheddingComparison | None:
    """The programme's answer on the other side of the load-shedding switch: with the
    suppressed demand added when this run has none, without it when `--set` added it."""
    from surplus.dispatch import dispatch
    from surplus.errors import InputError
    from surplus.headroom.joint import joint_curtailment, joint_verdict
    from surplus.report.calibration_section import Run, SheddingComparison, other_side_of_shedding
    from surplus.sensitivity.load_shedding import PUBLISHED_HOURS_PER_DAY

    other_side, hours = other_side_of_shedding(given)
    try:
        other, _ = apply_changes(base, resolve(base, other_side))
    except InputError:
        return None
    with progress_bar("load-shedding") as progress:
        other_result = dispatch(other, progress=progress)
    other_joint = joint_curtailment(other, other_result, sites, run=dispatch)
    this_run, other_run = Run(dataset, result, joint), Run(other, other_result, other_joint)
    console.print(f"with the other load-shedding assumption: {joint_verdict(other_joint)}")
    if hours is not None:
        return SheddingComparison(hours, other_run, this_run)
    return SheddingComparison(PUBLISHED_HOURS_PER_DAY, this_run, other_run)


def _calibration(
    assessment: Assessment, shedding: SheddingComparison | None, changed: bool
) -> Section:
    from surplus.report.calibration_section import calibration_section

    return calibration_section(assessment, shedding, changed)


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

        def run(data: Dataset, loads: Sequence[FlexibleLoad]) -> DispatchResult:
            return dispatch(data, loads, base=result)

        study = run_study(dataset, programme, scenario, reuse_base(run, result), progress=step)
    return [economics_section(study, dataset.info.timezone)]


def _allocation(dataset: Dataset, result: DispatchResult) -> list[Section]:
    from surplus.allocation import (
        allocate,
        at_cost_spares,
        caps_of,
        grid_capacity,
        known_sites,
        read_applications,
    )
    from surplus.allocation.cli import sample_applications
    from surplus.dispatch import dispatch
    from surplus.errors import InputError
    from surplus.report.allocation_section import allocation_section

    try:
        applications = read_applications(sample_applications(), known_sites(dataset))
    except InputError:
        err_console.print("[dim]allocation skipped: the sample applications name other sites[/]")
        return []
    with progress_bar("allocation") as progress:
        caps = caps_of({a.tariff_rule for a in applications})
        grid = grid_capacity(dataset, result, at_cost_spares(dataset, result, caps))

        def run(data: Dataset, flexible_loads: Sequence[FlexibleLoad] = ()) -> DispatchResult:
            return dispatch(data, flexible_loads, base=result)

        done = allocate(
            applications,
            grid,
            dataset,
            run=run,
            progress=lambda _s, step, total: progress(step, total),
        )
    return [allocation_section(done)]
