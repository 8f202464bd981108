"""`surplus data …`: check, summarise and export a grid dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from surplus.console import console, fails_cleanly, print_frame
from surplus.grid.load import load_dataset
from surplus.grid.summary import capacity_by_fuel_and_zone, capacity_by_status, demand_by_month

data_app = typer.Typer(help="Check, summarise and export grid datasets.", no_args_is_help=True)

DatasetPath = Annotated[
    Path | None,
    typer.Argument(
        help="Dataset folder; the embedded Pakistan dataset when left out.", show_default=False
    ),
]


@data_app.command("validate")
@fails_cleanly
def validate(path: DatasetPath = None) -> None:
    """Check every file of a dataset; list all problems, exit 1 if there are any."""
    dataset = load_dataset(path)
    info = dataset.info
    console.print(
        f"[green]valid:[/] {info.name} ({info.year}, {info.timezone}): "
        f"{len(dataset.zones)} zones, {len(dataset.plants)} plants "
        f"({len(dataset.operating_plants)} operating), {len(dataset.corridors)} corridors, "
        f"{len(dataset.snapshots):,} hours, {len(dataset.availability.columns)} profiles"
    )


@data_app.command("show")
@fails_cleanly
def show(path: DatasetPath = None) -> None:
    """Capacity by fuel and zone, and demand statistics by month."""
    dataset = load_dataset(path)
    console.print(f"[bold]{dataset.info.name}[/] — {dataset.info.path}")
    print_frame(capacity_by_fuel_and_zone(dataset), "Operating capacity, MW")
    print_frame(capacity_by_status(dataset), "Plants by status")
    print_frame(demand_by_month(dataset), f"Demand by month ({dataset.info.timezone})")


@data_app.command("calibrate")
@fails_cleanly
def calibrate(path: DatasetPath = None) -> None:
    """The dataset's totals against published figures; exit 1 if any is out of its band."""
    from surplus.grid.calibration import calibration_table

    table = calibration_table(load_dataset(path))
    print_frame(table.set_index("metric"), "Calibration against published figures", digits=1)
    failed = int((~table["ok"]).sum())
    if failed:
        console.print(f"[red]{failed} figure(s) outside their band[/]")
        raise typer.Exit(1)


@data_app.command("export-pypsa")
@fails_cleanly
def export_pypsa(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="[PATH] OUT: the dataset folder (the embedded Pakistan dataset when left "
            "out) and the netCDF file to write (network.nc when left out).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Write the dataset as a PyPSA network (netCDF) with the same dispatch problem."""
    from surplus.cli_io import output_file, prepare_file
    from surplus.errors import InputError, Problem
    from surplus.grid.pypsa_export import export_pypsa as write_network

    path, out = _dataset_and_file(paths or [])
    if out is None:
        raise InputError(
            Problem("export-pypsa", None, None, "[PATH] OUT.nc", " ".join(map(str, paths or [])))
        )
    output_file(out, force=force, option="OUT", suffixes=(".nc",))
    dataset = load_dataset(path)
    write_network(dataset, prepare_file(out))
    console.print(f"[green]wrote[/] {out}")


def _dataset_and_file(paths: list[Path]) -> tuple[Path | None, Path | None]:
    """`export-pypsa network.nc` writes the embedded dataset: one argument that is not a
    folder is the file to write; two are the dataset and the file; more is an error.

    >>> _dataset_and_file([Path("network.nc")])
    (None, PosixPath('network.nc'))
    """
    if not paths:
        return None, Path("network.nc")
    if len(paths) == 1:
        only = paths[0]
        return (only, Path("network.nc")) if only.is_dir() else (None, only)
    if len(paths) == 2:
        return paths[0], paths[1]
    return None, None
