"""The `surplus` command: one verb per job, each a thin shell over the library."""

from __future__ import annotations

import typer

from surplus.grid.cli import data_app

app = typer.Typer(
    name="surplus",
    help="Where and when a grid has surplus, how much flexible load fits, and at what price.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_app, name="data")


def main() -> None:
    app()
