"""`surplus assess`: the main job — dispatch a dataset's year and report where the surplus is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from surplus.console import console, fails_cleanly, print_frame, progress_bar
from surplus.grid.cli import DatasetPath
from surplus.grid.load import load_dataset


@fails_cleanly
def assess(
    path: DatasetPath = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for report.html and summary.json.")
    ] = Path("out"),
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
    json_path, html_path = write_outputs(assessment, out)
    totals = assessment.totals
    console.print(
        f"unserved energy {totals['unserved_gwh']:,.1f} GWh; "
        f"total variable cost {totals['total_cost_pkr'] / 1e9:,.1f} bn "
        f"{dataset.info.currency}"
    )
    console.print(f"[green]wrote[/] {json_path} and {html_path}")
