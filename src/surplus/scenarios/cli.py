"""`surplus scenarios run SPEC --out DIR` and `surplus scenarios report DIR`.

Register with the main app: ``app.add_typer(scenarios_app, name="scenarios")``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from surplus import strict_json
from surplus.console import console, err_console, fails_cleanly

if TYPE_CHECKING:
    from surplus.scenarios.record import RunRecord

scenarios_app = typer.Typer(
    help="Ensembles of studies on Dask: draws of demand, weather, outages, fuel, bitcoin and "
    "tariff; the probability the programme's quota holds.",
    no_args_is_help=True,
)


@scenarios_app.command("run")
@fails_cleanly
def run_command(
    spec: Annotated[Path, typer.Argument(help="Scenario TOML file (docs/scenarios.md).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the runs' Parquet files.")],
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of an existing Dask scheduler, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes of the local cluster (one thread each).")
    ] = 2,
    retries: Annotated[int, typer.Option(min=0, help="Retries of a failed run.")] = 2,
) -> None:
    """Run every run of SPEC not yet in --out on Dask, writing each as it finishes."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from surplus.scenarios.run import run_ensemble

    with Progress(
        TextColumn("[bold]runs"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        task = bar.add_task("runs", total=None, failed=0)
        failures = [0]

        def step(done: int, total: int, record: RunRecord) -> None:
            if record.status != "ok":
                failures[0] += 1
                err_console.print(f"[red]run {record.run_id} failed[/]: {record.error}")
            bar.update(task, completed=done, total=total, failed=failures[0])

        outcome = run_ensemble(spec, out, scheduler, workers, retries, step)
    console.print(
        f"{outcome.runs} runs: {outcome.skipped} already done, {len(outcome.succeeded)} "
        f"finished now, {len(outcome.failed)} failed"
        + (f" ({', '.join(map(str, outcome.failed))})" if outcome.failed else "")
    )
    console.print(f"[green]wrote[/] {out}/runs")
    if outcome.failed:
        raise typer.Exit(2)


@scenarios_app.command("report")
@fails_cleanly
def report_command(
    folder: Annotated[Path, typer.Argument(help="An ensemble folder (scenarios run --out).")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for ensemble.html and ensemble.json (default: the ensemble folder).",
        ),
    ] = None,
) -> None:
    """Distributions over an ensemble's runs and the probability each quota holds."""
    from surplus.report.ensemble import answer, ensemble_page
    from surplus.scenarios.store import load
    from surplus.scenarios.summary import summarise

    spec, records = load(folder)
    summary = summarise(spec, records)
    target = out or folder
    target.mkdir(parents=True, exist_ok=True)
    (target / "ensemble.json").write_text(
        strict_json.dumps(summary.model_dump(mode="json")), encoding="utf-8"
    )
    (target / "ensemble.html").write_text(
        ensemble_page(records, summary, str(folder)), encoding="utf-8"
    )
    console.print(answer(summary))
    console.print(f"[green]wrote[/] {target / 'ensemble.html'} and {target / 'ensemble.json'}")
