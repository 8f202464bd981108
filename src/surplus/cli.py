"""The `surplus` command: one verb per job, each a thin shell over the library."""

from __future__ import annotations

import typer

from surplus.agent.cli import agent_command
from surplus.allocation.cli import allocate_command
from surplus.api.cli import admin_app, db_app
from surplus.control.cli import control_app
from surplus.economics.cli import economics_command
from surplus.grid.cli import data_app
from surplus.headroom.cli import headroom_command, sites_command
from surplus.report.cli import assess
from surplus.scenarios.cli import scenarios_app
from surplus.server.cli import serve
from surplus.settlement.cli import settle_app
from surplus.simulation.cli import simulate_command

app = typer.Typer(
    name="surplus",
    help="Where and when a grid has surplus, how much flexible load fits, and at what price.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_app, name="data")
app.command("assess")(assess)
app.command("headroom")(headroom_command)
app.command("sites")(sites_command)
app.command("economics")(economics_command)
app.command("allocate")(allocate_command)
app.command("serve")(serve)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(control_app, name="control")
app.command("agent")(agent_command)
app.command("simulate")(simulate_command)
app.add_typer(settle_app, name="settle")
app.add_typer(scenarios_app, name="scenarios")


def main() -> None:
    app()
