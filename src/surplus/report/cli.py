"""`surplus assess`: the main job — dispatch a dataset's year and report where the surplus is.

It parses the options into a `StudyInput`, runs the study and presents what it found; the
study (`surplus.study`) does the computing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from surplus.console import console, err_console, fails_cleanly, print_frame, stage_bars
from surplus.grid.cli import DatasetPath
from surplus.report.html import Section
from surplus.report.summary import Assessment
from surplus.sensitivity import Setting, parse_setting, read_scenario
from surplus.study import PROGRAMME_MW

__all__ = ["PROGRAMME_MW", "assess"]

if TYPE_CHECKING:
    from surplus.dispatch import DispatchResult


@fails_cleanly
def assess(
    path: DatasetPath = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html and summary.json.")
    ] = Path("out"),
    economics: Annotated[
        bool,
        typer.Option(
            help="Add the programme's tariffs and the subsidy test "
            "(a dispatch of the year per tariff rule)."
        ),
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
    ensemble: Annotated[
        Path | None,
        typer.Option(help="An ensemble folder (`surplus scenarios run --out`): add its section."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite report.html and summary.json in --out.")
    ] = False,
) -> None:
    """Dispatch every hour of the year; report surplus by zone and season, and write the report."""
    from surplus.cli_io import check_readable, output_folder
    from surplus.economics.programme import PROGRAMME_PLANTS
    from surplus.headroom.joint import joint_verdict
    from surplus.report.allocation_section import allocation_section
    from surplus.report.answer import build_answer, print_answer
    from surplus.report.assess import REPORT_FILES, write_outputs
    from surplus.report.calibration_section import calibration_section
    from surplus.report.economics_section import economics_section
    from surplus.report.headroom_section import headroom_section
    from surplus.report.summary import summarise
    from surplus.study import Stages, StudyInput, run_study

    output_folder(out, REPORT_FILES, force=force)
    check_readable(scenario, "--scenario")
    spec = StudyInput(
        dataset=path,
        settings=tuple(_settings(scenario, settings or [])),
        stages=Stages(
            siting_prices=siting_prices,
            load_shedding=load_shedding,
            economics=economics,
            allocation=allocation,
        ),
    )
    across = _ensemble(ensemble) if ensemble is not None else []
    with stage_bars() as progress:
        study = run_study(spec, progress=progress)
    dataset, result, changes = study.dataset, study.result, study.changes
    console.print(
        f"[bold]{dataset.info.name}[/] {dataset.info.year}: "
        f"{len(dataset.operating_plants)} plants, {len(dataset.zones)} zones, "
        f"{len(dataset.snapshots):,} hours"
    )
    for change in changes:
        console.print(f"[yellow]change[/] {change.key}={change.value}: {change.change}")
    assessment = summarise(dataset, result)
    _print_summary(assessment)
    _print_penalised(result)
    sections: list[Section] = []
    if study.siting is not None:
        for answer in (study.siting.joint, study.siting.joint_at_cost):
            if answer is not None:
                console.print(joint_verdict(answer))
        sections.append(headroom_section(study.siting, spec.ranking_budget, study.prices))
    if "Pakistan" in dataset.info.name:
        if study.shedding is not None:
            other = study.shedding.with_shedding
            if other.dataset is dataset:
                other = study.shedding.without
            console.print(f"with the other load-shedding assumption: {joint_verdict(other.joint)}")
        sections.append(calibration_section(assessment, study.shedding, bool(changes)))
    if economics:
        if study.economics is None:
            err_console.print(
                "[dim]economics skipped: the dataset lacks the programme's plants "
                f"({', '.join(PROGRAMME_PLANTS)})[/]"
            )
        else:
            sections.append(economics_section(study.economics, dataset.info.timezone))
    if allocation:
        if study.allocation is None:
            err_console.print(
                "[dim]allocation skipped: the sample applications name other sites[/]"
            )
        else:
            sections.append(allocation_section(study.allocation))
    sections += across
    joints = (
        [j for j in (study.siting.joint, study.siting.joint_at_cost) if j is not None]
        if study.siting is not None
        else []
    )
    panel = build_answer(
        joints,
        study.economics,
        dataset.info.usd_exchange_rate,
        dataset.info.timezone,
        PROGRAMME_MW,
    )
    json_path, html_path = write_outputs(assessment, out, sections, changes, panel)
    totals = assessment.totals
    console.print(
        f"unserved energy {totals['unserved_gwh']:,.1f} GWh; "
        f"total variable cost {totals['total_cost_pkr'] / 1e9:,.1f} bn "
        f"{dataset.info.currency}"
    )
    console.print(f"[green]wrote[/] {json_path} and {html_path}")
    print_answer(panel, console)


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


def _ensemble(folder: Path) -> list[Section]:
    """The ensemble's section, read (and checked) before anything is solved."""
    from surplus.report.ensemble import ensemble_sections
    from surplus.scenarios.store import load
    from surplus.scenarios.summary import summarise

    spec, records = load(folder)
    return ensemble_sections(records, summarise(spec, records))
