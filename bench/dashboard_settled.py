"""What settled months cost the public dashboard: months of statements for 1,000 sites
(100 operators of ten, every hour of the month billed) stored as `surplus settle month`
stores them, then the dashboard's settlement figures read cold (each month's
`month_totals` computed from the statements) and warm (from the in-memory figures), and the
public page `/` timed the same two ways through the app.

    .venv/bin/python bench/dashboard_settled.py [--sites 1000] [--months 3] [--repeat 10]
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))

from settlement import sheets
from surplus.dashboard import settlement_source
from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.settlement.month import content_digest, month_span
from surplus.settlement.statements import (
    MeterUse,
    SiteMonth,
    build_statement,
    meter_digest,
)
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from surplus.store.settlement_tables import STATEMENT_ISSUED, SettlementStatement

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SECRET = secrets.token_urlsafe(32)  # a fresh signing key each run


def recent_months(count: int, now: datetime) -> list[str]:
    """The `count` months before now's, oldest first (so the page shows them)."""
    index = now.year * 12 + now.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count, index)]


def store_months(url: str, sites: int, months: list[str]) -> float:
    """Statements of every month, as settlement stores them; returns seconds to build them."""
    rng = np.random.default_rng(18)
    contracts = sheets(sites, rng)
    engine = make_engine(url)
    upgrade(engine)
    built = 0.0
    with make_sessionmaker(engine)() as session:
        for month in months:
            start, end = month_span(month)
            hours = pd.date_range(start, end, freq="1h", inclusive="left")
            cost = pd.Series(rng.uniform(7_000, 20_000, len(hours)), index=hours)
            by_operator: dict[str, list[SiteMonth]] = {}
            for k, sheet in enumerate(contracts):
                energy = sheet.allocated_mw * (0.9 + 0.1 * rng.random(len(hours)))
                use = MeterUse(
                    source="meter", version=0, readings=len(hours) * 60,
                    expected_readings=len(hours) * 60, hours_billed=len(hours),
                    hours_without_readings=0, flags=0, sha256=meter_digest(energy),
                )  # fmt: skip
                by_operator.setdefault(sheet.operator, []).append(
                    SiteMonth(k + 1, sheet, hours, energy, use, cost, ())
                )
            t = time.perf_counter()
            statements = [build_statement(month, op, s) for op, s in sorted(by_operator.items())]
            built += time.perf_counter() - t
            session.execute(
                insert(SettlementStatement),
                [
                    {"month": month, "operator": s.operator, "version": 1,
                     "status": STATEMENT_ISSUED, "reason": None, "supersedes_id": None,
                     "total_pkr": str(s.total_pkr), "energy_mwh": float(s.energy_mwh),
                     "sha256": content_digest(s), "body": s.model_dump(mode="json"),
                     "issued_at": datetime.now(UTC)}
                    for s in statements
                ],
            )  # fmt: skip
        session.commit()
    engine.dispose()
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    now = datetime.now(UTC)
    months = recent_months(args.months, now)
    firsts = [date.fromisoformat(f"{m}-01") for m in months]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        built = store_months(url, args.sites, months)
        size = Path(folder, "bench.db").stat().st_size
        print(f"{args.months} months of statements for {args.sites:,} sites built in "
              f"{built:.1f} s; store {size / 1e6:.0f} MB")  # fmt: skip
        engine = make_engine(url)
        with make_sessionmaker(engine)() as session:
            t = time.perf_counter()
            figures = settlement_source.month_figures(session, firsts)
            cold = time.perf_counter() - t
            warm_runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                settlement_source.month_figures(session, firsts)
                warm_runs.append(time.perf_counter() - t)
        engine.dispose()
        assert len(figures) == args.months
        print(f"settlement figures, cold (month_totals of {args.months} months): "
              f"{cold * 1000:,.0f} ms, {cold / args.months * 1000:,.0f} ms a month")  # fmt: skip
        print(f"settlement figures, warm: p50 {statistics.median(warm_runs) * 1000:.1f} ms")
        settlement_source._cache.clear()  # a fresh process: nothing summarised yet
        app = create_app(Settings(database_url=url, secret_key=SECRET, environment="test"))
        client = TestClient(app)
        t = time.perf_counter()
        assert client.get("/").status_code == 200
        first = time.perf_counter() - t
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            assert client.get("/").status_code == 200
            runs.append(time.perf_counter() - t)
        p50, worst = statistics.median(runs) * 1000, max(runs) * 1000
        print(f"page `/`, fresh app and nothing summarised: {first * 1000:,.0f} ms; then "
              f"p50 {p50:.0f} ms, max {worst:.0f} ms")  # fmt: skip
        revenue = sum(f.revenue_pkr for f in figures.values())
        print(f"revenue shown over the months: {revenue:,.2f} PKR")
        app.state.engine.dispose()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
        f"Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
