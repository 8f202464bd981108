"""`surplus control`: run the grid-protection controller next to the service, and print
the term-sheet schema it reads."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from surplus.console import err_console, fails_cleanly
from surplus.errors import SurplusError

control_app = typer.Typer(help="The grid-protection controller.", no_args_is_help=True)
log = logging.getLogger(__name__)


@control_app.command("run")
@fails_cleanly
def control_run(
    feed: Annotated[str, typer.Option(help="push (the control room's endpoint) or csv.")] = "push",
    csv: Annotated[Path | None, typer.Option(help="Recorded grid state (feed csv).")] = None,
    cycle_s: Annotated[float, typer.Option(min=0.5, help="Seconds between cycles.")] = 5.0,
    cycles: Annotated[int | None, typer.Option(min=1, help="Stop after this many.")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Overrides SURPLUS_DATABASE_URL.")
    ] = None,
) -> None:
    """Run control cycles against the service's database until stopped. Orders go out
    through the VTN's outbox, which `surplus serve` delivers."""
    from surplus.control import vtn
    from surplus.control.controller import Controller, ControllerConfig
    from surplus.control.feeds import CsvReplay, GridFeed
    from surplus.control.frequency import FrequencyRule
    from surplus.control.push import StoreFeed
    from surplus.control.registry import active_term_sheets
    from surplus.settings import read_settings
    from surplus.store.base import make_engine, make_sessionmaker
    from surplus.store.migrate import upgrade

    settings = read_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    engine = make_engine(settings.database_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    now = datetime.now(UTC)
    source: GridFeed
    if feed == "push":
        source = StoreFeed(factory)
    elif feed == "csv":
        if csv is None:
            raise SurplusError("--feed csv needs --csv FILE")
        source = CsvReplay.read(csv, now)
    else:
        raise SurplusError("--feed must be push or csv")
    with factory() as session:
        zones = sorted({s.zone for s in active_term_sheets(session, now)})
        program_id = vtn.ensure_program(
            session, settings.control_program, zones, now, bool(settings.mqtt_url)
        )
    rule = FrequencyRule(
        settings.frequency_trip_hz, settings.frequency_restore_hz, settings.frequency_restore_hold_s
    )
    controller = Controller(
        factory,
        source,
        ControllerConfig(
            program_id=program_id, frequency=rule, mqtt_enabled=bool(settings.mqtt_url)
        ),
    )
    err_console.print(f"controller running: program {settings.control_program}, feed {feed}")
    done = 0
    try:
        while cycles is None or done < cycles:
            started = time.monotonic()
            try:
                result = controller.cycle(datetime.now(UTC))
                if result.plan.changes:
                    err_console.print(
                        f"{result.at.isoformat()}: {len(result.plan.changes)} order changes"
                    )
            except Exception:  # the store holds the state: the next cycle starts afresh
                log.exception("control cycle failed")
            done += 1
            time.sleep(max(cycle_s - (time.monotonic() - started), 0.0))
    except KeyboardInterrupt:
        err_console.print("stopped")
    finally:
        engine.dispose()


@control_app.command("term-sheet-schema")
def term_sheet_schema_command() -> None:
    """Print the JSON Schema of a term sheet (what `surplus allocate` writes and the
    controller reads from active allocations; also docs/term-sheet.schema.json)."""
    from surplus import strict_json
    from surplus.contracts import term_sheet_json_schema

    typer.echo(strict_json.dumps(term_sheet_json_schema()))
