"""The `surplus` command: one verb per job, each a thin shell over the library."""

from __future__ import annotations

import typer

from surplus.grid.cli import data_app
from surplus.report.cli import assess

app = typer.Typer(
    name="surplus",
    help="Where and when a grid has surplus, how much flexible load fits, and at what price.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_app, name="data")
app.command("assess")(assess)


def main() -> None:
    app()
