"""Speed of the public dashboard's first page with 10,000 sites (target: under 1 s).

A store holding 10,000 sites of 500 operators in the 13 zones of the embedded dataset, each
with an active allocation and a metered draw a minute old; the latest grid state of every
zone; a year of curtailment orders (50,000, of which 1,000 in force now) and 2,000
non-compliance records. Timed through the app as `surplus serve` builds it (in process,
Starlette's test client, so no network in the figure): the first request of a fresh app
(templates compiled, catalogs and map loaded, database connection opened) and then repeated
requests, for `/`, `/ur/` and the JSON the pages show.

    .venv/bin/python bench/dashboard.py [--sites 10000] [--orders 50000] [--repeat 20]
    .venv/bin/python bench/dashboard.py --database-url URL   # an empty database instead
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert

from surplus.server.app import create_app
from surplus.settings import Settings
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.control_tables import (
    ControlGridState,
    ControlLedger,
    ControlNonCompliance,
    ControlOrder,
)
from surplus.store.migrate import upgrade
from surplus.store.programme import Allocation, Application, Operator, Site

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ZONES = ["fesco", "gepco", "hesco", "iesco", "ke", "lesco", "mepco", "pesco", "qesco",
         "sepco", "north_hydro", "south_coast", "thar"]  # fmt: skip
SECRET = secrets.token_urlsafe(32)  # a fresh signing key each run


def seed(url: str, sites: int, orders: int, now: datetime) -> None:
    rng = np.random.default_rng(18)
    engine = make_engine(url)
    upgrade(engine)
    operators = max(1, sites // 20)
    zone_of = rng.integers(0, len(ZONES), sites)
    mw = rng.uniform(1, 30, sites).round(1)
    start = now.date() - timedelta(days=90)
    with make_sessionmaker(engine)() as session:
        session.execute(insert(Operator), [{"id": i + 1, "name": f"Operator {i + 1}"}
                                           for i in range(operators)])  # fmt: skip
        session.execute(insert(Site), [
            {"id": i + 1, "operator_id": i % operators + 1, "name": f"Site {i + 1}",
             "zone": ZONES[zone_of[i]], "latitude_deg": 30.0, "longitude_deg": 70.0,
             "connection_mw": float(mw[i]) + 5, "ven_id": f"ven-{i + 1}"}
            for i in range(sites)
        ])  # fmt: skip
        session.execute(insert(Application), [
            {"id": i + 1, "operator_id": i % operators + 1, "site_id": i + 1,
             "requested_mw": float(mw[i]), "load_kind": "bitcoin_mining", "status": "approved"}
            for i in range(sites)
        ])  # fmt: skip
        session.execute(insert(Allocation), [
            {"id": i + 1, "application_id": i + 1, "site_id": i + 1, "allocated_mw": float(mw[i]),
             "tariff_rule": "proposed_fixed_23", "curtailment_rights": "flexible", "terms": {},
             "starts_on": start, "ends_on": None, "status": "active"}
            for i in range(sites)
        ])  # fmt: skip
        session.execute(insert(ControlLedger), [
            {"site_id": i + 1, "year": now.year, "measured_mw": float(mw[i]) * 0.9,
             "measured_at": now - timedelta(minutes=1)}
            for i in range(sites)
        ])  # fmt: skip
        session.execute(insert(ControlGridState), [
            {"zone": z, "spare_mw": float(rng.uniform(-50, 500)), "price_pkr_per_mwh": 20000.0,
             "observed_at": now - timedelta(seconds=5), "received_at": now, "source": "bench"}
            for z in ZONES
        ])  # fmt: skip
        applies = now - timedelta(days=365) * rng.uniform(0, 1, orders)
        active = min(1000, orders)
        statuses = rng.choice(["compliant", "exceeded", "no_data"], orders, p=[0.95, 0.03, 0.02])
        rows = []
        for k in range(orders):
            site = int(rng.integers(1, sites + 1)) if k >= active else k % sites + 1
            at = now - timedelta(minutes=5) if k < active else applies[k]
            rows.append(
                {"id": k + 1, "site_id": site, "event_id": f"ev-{k}",
                 "zone": ZONES[zone_of[site - 1]], "reason": "capacity",
                 "status": "active" if k < active else "ended",
                 "limit_mw": 0.0, "applies_at": at, "ends_at": at + timedelta(hours=1),
                 "intervals": [], "decided_at": at, "updated_at": at,
                 "compliance": "pending" if k < active else str(statuses[k])}
            )  # fmt: skip
        session.execute(insert(ControlOrder), rows)
        session.execute(insert(ControlNonCompliance), [
            {"order_id": k + 1 + active, "site_id": rows[k + active]["site_id"],
             "event_id": f"ev-{k + active}", "kind": "exceeded", "limit_mw": 0.0,
             "measured_mw": 1.0, "deadline": now, "detected_at": now,
             "resolved_at": None if k % 4 else now}
            for k in range(min(2000, orders - active))
        ])  # fmt: skip
        session.commit()
    engine.dispose()


def timed(client: TestClient, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        seed(url, args.sites, args.orders, now)
        print(f"seeded {args.sites:,} sites and {args.orders:,} orders in "
              f"{time.perf_counter() - started:.1f} s ({url.split(':')[0]})")  # fmt: skip
        app = create_app(Settings(database_url=url, secret_key=SECRET, environment="test"))
        client = TestClient(app)
        first = timed(client, "/")
        print(f"first page `/`, fresh app: {first * 1000:.0f} ms")
        for path in ("/", "/ur/", "/api/v1/public/dashboard"):
            runs = [timed(client, path) for _ in range(args.repeat)]
            print(f"{path:28s} p50 {statistics.median(runs) * 1000:6.0f} ms   "
                  f"max {max(runs) * 1000:6.0f} ms   (n={len(runs)})")  # fmt: skip
        totals = client.get("/api/v1/public/dashboard").json()["totals"]
        print(f"page shows {totals['sites']:,} sites, {totals['allocated_mw']:,.1f} MW allocated,"
              f" {totals['curtailment_events']:,} orders")  # fmt: skip
        app.state.engine.dispose()
    load = os.getloadavg()[0]
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load:.1f}, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
