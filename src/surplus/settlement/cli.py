"""`surplus settle ...`: meter files in, a month's verdicts and statements, the public
report. Every command works on the service's database (SURPLUS_DATABASE_URL or
--database-url), migrated first."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import pandas as pd
import typer
from sqlalchemy.orm import Session

from surplus.console import console, fails_cleanly
from surplus.errors import InputError, Problem

settle_app = typer.Typer(
    help="Settlement: meter data, compliance verdicts, statements, the public report.",
    no_args_is_help=True,
)
ACTOR = "cli"
T = TypeVar("T")
DbUrl = Annotated[
    str | None, typer.Option("--database-url", help="Overrides SURPLUS_DATABASE_URL.")
]
Month = Annotated[str, typer.Option("--month", help="Local calendar month, YYYY-MM.")]


def _in_session(database_url: str | None, work: Callable[[Session], T]) -> T:
    from surplus.settings import read_settings
    from surplus.store.base import make_engine, make_sessionmaker, session_scope
    from surplus.store.migrate import upgrade

    # The environment as it is now, not the service's cached settings: one process may
    # run several commands (tests, scripts) against different stores.
    url = database_url or read_settings().database_url
    engine = make_engine(url)
    try:
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            return work(session)
    finally:
        engine.dispose()


@settle_app.command("import-meter")
@fails_cleanly
def import_meter_command(
    files: Annotated[list[Path], typer.Argument(help="Meter CSV files (docs/settlement.md).")],
    reason: Annotated[
        str | None,
        typer.Option(
            help="Import as a correction: a new version of each minute, with this reason."
        ),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Store meter files: each kept whole, its readings added (or corrected), every gap,
    duplicate, negative or implausible value and clock error flagged, nothing dropped.
    A file with a bad cell is refused whole (file, row and field named)."""
    from surplus.settlement.records import import_meter

    contents = []
    for path in files:
        try:
            contents.append((path, path.read_bytes()))
        except OSError as error:
            raise InputError(
                Problem(str(path), None, None, "a readable file", str(error))
            ) from None

    def work(session: Session) -> list[dict[str, object]]:
        return [
            {
                "file": str(path),
                **import_meter(session, data, str(path), ACTOR, reason=reason).as_dict(),
            }
            for path, data in contents
        ]

    for result in _in_session(database_url, work):
        console.print_json(json.dumps(result))


def read_prices(path: Path) -> pd.DataFrame:
    """Hourly marginal cost per zone from a CSV with columns time (ISO 8601 with offset),
    zone, price_pkr_per_mwh (as `surplus simulate --month` writes): hours × zones."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(Problem(str(path), None, None, "a CSV file", str(error))) from None
    missing = [c for c in ("time", "zone", "price_pkr_per_mwh") if c not in frame.columns]
    if missing:
        raise InputError(
            Problem(str(path), 1, None, f"columns {', '.join(missing)}", ", ".join(frame.columns))
        )
    times = pd.to_datetime(frame["time"], format="ISO8601", utc=True, errors="coerce")
    price = pd.to_numeric(frame["price_pkr_per_mwh"], errors="coerce")
    problems = [
        Problem(
            str(path), k + 2, "time", "an ISO 8601 time with offset", repr(frame["time"].iloc[k])
        )
        for k in frame.index[times.isna()][:20]
    ]
    problems += [
        Problem(
            str(path),
            k + 2,
            "price_pkr_per_mwh",
            "a number",
            repr(frame["price_pkr_per_mwh"].iloc[k]),
        )
        for k in frame.index[price.isna()][:20]
    ]
    if problems:
        raise InputError(problems)
    long = pd.DataFrame({"time": times, "zone": frame["zone"], "price": price})
    return long.pivot_table(index="time", columns="zone", values="price", aggfunc="mean")


@settle_app.command("month")
@fails_cleanly
def month_command(
    month: Month,
    prices: Annotated[
        Path | None,
        typer.Option(help="Zones' hourly marginal cost CSV (time, zone, price_pkr_per_mwh)."),
    ] = None,
    reason: Annotated[
        str | None, typer.Option(help="Why statements that changed are re-issued.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for statements and verdicts.")] = Path(
        "settlement"
    ),
    database_url: DbUrl = None,
) -> None:
    """Judge every order of the month against its baseline and contract, and issue each
    operator's statement (JSON and PDF); a statement that would change needs --reason."""
    from surplus.control.vtn import program_id
    from surplus.settings import read_settings
    from surplus.settlement.month import MonthResult, settle_month
    from surplus.settlement.pdf import statement_pdf
    from surplus.settlement.statements import slug

    table = read_prices(prices) if prices is not None else None

    def work(session: Session) -> MonthResult:
        program = program_id(session, read_settings().control_program)
        return settle_month(session, month, ACTOR, table, reason, program)

    result = _in_session(database_url, work)
    folder = out / month
    (folder / "statements").mkdir(parents=True, exist_ok=True)
    for statement in result.statements:
        name = f"{slug(statement.operator)}-v{statement.version}"
        (folder / "statements" / f"{name}.json").write_text(
            statement.model_dump_json(indent=2), encoding="utf-8"
        )
        (folder / "statements" / f"{name}.pdf").write_bytes(statement_pdf(statement))
        console.print(
            f"{statement.statement_id}: {statement.total_pkr:,.2f} PKR, "
            f"{statement.energy_mwh:,.3f} MWh"
            + ("" if statement.statement_id in result.issued else " (unchanged)")
        )
    rows = [
        {
            "order_id": o.id,
            "site_id": o.site_id,
            "reason": o.reason,
            "applies_at": o.applies_at.isoformat(),
            "baseline": j.baseline.method,
            "limit_mw": j.limit_mw,
            "ordered_mw": round(j.ordered_mw, 3),
            "delivered_mw": round(j.delivered_mw, 3),
            "shortfall_mw": round(j.shortfall_mw, 3),
            "reach_s": j.reach_s,
            "verdict": j.verdict,
            "breach_number": n,
            "escalation": e,
            "penalty_pkr": str(j.penalty_pkr),
        }
        for o, j, e, n in result.judgements
    ]
    pd.DataFrame(rows).to_csv(folder / "verdicts.csv", index=False)
    verdicts = pd.Series([r["verdict"] for r in rows], dtype=object).value_counts().to_dict()
    console.print(f"{len(rows)} orders judged {verdicts}; written to {folder}")


@settle_app.command("report")
@fails_cleanly
def report_command(
    month: Month,
    out: Annotated[
        Path, typer.Option(help="Folder for report.html, report.pdf, summary.json.")
    ] = Path("settlement"),
    database_url: DbUrl = None,
) -> None:
    """The monthly public report of a settled month: no subsidy, no load-shedding caused,
    money in (aggregates only)."""
    from surplus.settlement.public import month_summary
    from surplus.settlement.report import write_public_report

    summary = _in_session(database_url, lambda session: month_summary(session, month))
    paths = write_public_report(summary, out / month)
    console.print(f"Public report for {month}: {', '.join(str(p) for p in paths)}")
