"""Speed of grid protection: the decision, the control cycle, and decision to
acknowledgement across many site agents.

1. The decision (`surplus.control.decision.decide`) for 10,000 sites in 20 zones, every
   zone short: p50/p99/max over repeated runs on random fleets (seeded).
2. The control cycle under load: 10,000 enrolled sites on SQLite; the first cycle of a
   shortfall (an order, i.e. an OpenADR event, for every site it needs) and later cycles
   with the grid state moving (revisions) and steady (nothing to change).
3. Decision to acknowledgement: the VTN (`surplus serve --workers 2`, SQLite) and the
   broker of scripts/services.sh; the controller and its outbox worker in this process;
   N site agents (`surplus.agent.SiteAgent`, simulated devices) in a child process, each
   with its own MQTT connection subscribed to its ven's event topic. From the start of the
   decision until each agent's acknowledgement report is stored (its POST answered 201):
   p50/p99/max and the time by which 99 % had acknowledged.
   Bench shortcuts, for set-up time only: VEN clients get tokens minted with the server's
   key (no scrypt per client), and the agents' MQTT connections share one broker account
   with the business-logic read role.

    eval "$(scripts/services.sh)"
    .venv/bin/python bench/control.py [--sites 10000] [--agents 1000] [--skip-agents]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import insert

from surplus.control import vtn
from surplus.control.controller import Controller, ControllerConfig
from surplus.control.decision import Policy, decide
from surplus.control.fleet import Fleet, FleetState
from surplus.control.grid import GridSnapshot, ZoneInputs, ZoneState
from surplus.control.registry import REGISTER_LOAD_KIND
from surplus.simulation.scenario import simulated_sheet
from surplus.store.base import make_engine, make_sessionmaker
from surplus.store.migrate import upgrade
from surplus.store.programme import Allocation, Application, Operator, Site

SECRET = secrets.token_urlsafe(32)  # a fresh signing key each run


def stats(values_s: list[float]) -> str:
    ms = np.array(values_s) * 1000
    return (
        f"p50 {np.percentile(ms, 50):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms, "
        f"max {ms.max():.2f} ms (n={len(ms)})"
    )


# -- 1. the decision ----------------------------------------------------------------------


def random_fleet(n: int, zones: int, rng: np.random.Generator) -> tuple[Fleet, FleetState]:
    kind = (rng.random(n) < 0.3).astype(np.int8)  # 30 % data centres
    allocated_mw = rng.uniform(5, 300, n)
    fleet = Fleet(
        site_id=np.arange(1, n + 1),
        zone=rng.integers(0, zones, n),
        kind=kind,
        allocated_mw=allocated_mw,
        flexible_share=np.where(kind == 1, rng.uniform(0.1, 0.4, n), 1.0),
        firm=np.zeros(n, dtype=bool),
        priority=rng.integers(0, 100, n),
        notice_s=np.where(kind == 1, 600.0, 0.0),
        max_event_s=np.full(n, 4 * 3600.0),
        min_rest_s=np.full(n, 1800.0),
        budget_s=np.full(n, 438 * 3600.0),
        budget_mwh=0.05 * 8760 * allocated_mw,
        price_above=np.where(rng.random(n) < 0.1, 40_000.0, np.nan),
        frequency_trip=kind == 0,
        response_s=np.full(n, 60.0),
        tolerance_mw=np.full(n, 1.0),
    )
    state = FleetState.idle(fleet)
    state.used_s[:] = rng.uniform(0, 400 * 3600, n)
    state.used_mwh[:] = state.used_s / 3600 * allocated_mw * 0.5
    live = rng.random(n) < 0.2
    state.curtail_mw[live] = fleet.allocated_mw[live] * 0.3
    state.event_s[live] = rng.uniform(0, 3 * 3600, live.sum())
    return fleet, state


def bench_decision(n: int, zones: int, runs: int) -> None:
    rng = np.random.default_rng(7)
    times = []
    for run in range(runs):
        fleet, state = random_fleet(n, zones, rng) if run % 20 == 0 else (fleet, state)  # noqa: F821
        load = np.bincount(fleet.zone, weights=fleet.allocated_mw, minlength=zones)
        spare = load * rng.uniform(0.3, 1.1, zones)
        inputs = ZoneInputs(
            tuple(f"z{k}" for k in range(zones)),
            spare,
            rng.uniform(10_000, 60_000, zones),
            np.zeros(zones, dtype=bool),
        )
        policy = Policy(within_class="priority" if run % 2 else "pro_rata")
        started = time.perf_counter()
        decide(fleet, state, inputs, policy, np.full(zones, 600.0), 60.0)
        times.append(time.perf_counter() - started)
    print(f"decision, {n:,} sites in {zones} zones: {stats(times[5:])}")


# -- 2. the control cycle -----------------------------------------------------------------


class MovingFeed:
    def __init__(self, zones: list[str], spare: dict[str, float]) -> None:
        self.zones, self.spare = zones, spare

    def snapshot(self, now: datetime) -> GridSnapshot:
        return GridSnapshot(now, {z: ZoneState(z, self.spare[z], now) for z in self.zones})


def register(
    factory: Any, n: int, zones: list[str], rng: np.random.Generator
) -> list[dict[str, Any]]:
    """n sites with active allocations carrying term sheets, in bulk (the rows
    `surplus.control.registry.enrol_term_sheets` makes, without its row-by-row flushes)."""
    sheets = []
    with factory() as session:
        session.execute(insert(Operator), [{"id": 1, "name": "bench operator"}])
        for i in range(1, n + 1):
            mining = rng.random() < 0.7
            sheet = simulated_sheet(
                i,
                "bench operator",
                f"site-{i}",
                zones[i % len(zones)],
                "miner" if mining else "ai_data_centre",
                float(rng.uniform(5, 100)),
                date(2000, 1, 1),
                {"flexible_share": 1.0 if mining else 0.3},
                1.0,
            )
            sheets.append(sheet.model_dump(mode="json"))
        session.execute(
            insert(Site),
            [
                {
                    "id": s["register_site_id"],
                    "operator_id": 1,
                    "name": s["site"],
                    "zone": s["zone"],
                    "latitude_deg": 30.0,
                    "longitude_deg": 70.0,
                    "connection_mw": s["allocated_mw"],
                    "ven_id": s["site"],
                }
                for s in sheets
            ],
        )
        session.execute(
            insert(Application),
            [
                {
                    "id": s["register_site_id"],
                    "operator_id": 1,
                    "site_id": s["register_site_id"],
                    "requested_mw": s["allocated_mw"],
                    "load_kind": REGISTER_LOAD_KIND[s["kind"]],
                    "status": "approved",
                }
                for s in sheets
            ],
        )
        session.execute(
            insert(Allocation),
            [
                {
                    "application_id": s["register_site_id"],
                    "site_id": s["register_site_id"],
                    "allocated_mw": s["allocated_mw"],
                    "tariff_rule": s["tariff"]["rule"],
                    "curtailment_rights": "interruptible",
                    "terms": s,
                    "starts_on": date(2000, 1, 1),
                    "status": "active",
                }
                for s in sheets
            ],
        )
        session.commit()
    return sheets


def bench_cycle(n: int, zones_n: int, cycles: int) -> None:
    rng = np.random.default_rng(11)
    zones = [f"z{k}" for k in range(zones_n)]
    with tempfile.TemporaryDirectory() as work:
        engine = make_engine(f"sqlite:///{Path(work) / 'cycle.db'}")
        upgrade(engine)
        factory = make_sessionmaker(engine)
        sheets = register(factory, n, zones, rng)
        now = datetime.now(UTC).replace(microsecond=0)
        with factory() as session:
            program = vtn.ensure_program(session, "surplus-flex", zones, now, False)
        load = {z: sum(s["allocated_mw"] for s in sheets if s["zone"] == z) for z in zones}
        feed = MovingFeed(zones, {z: load[z] * 2 for z in zones})
        controller = Controller(factory, feed, ControllerConfig(program_id=program))
        controller.cycle(now)  # terms loaded, ledgers made
        feed.spare = {z: load[z] * 0.5 for z in zones}  # every zone short by half its load
        started = time.perf_counter()
        result = controller.cycle(now + timedelta(seconds=5))
        first = time.perf_counter() - started
        print(
            f"control cycle, {n:,} sites: first cycle of a shortfall writes "
            f"{result.plan.count('create'):,} orders in {first:.2f} s"
        )
        moving, steady = [], []
        for k in range(cycles):
            at = now + timedelta(seconds=10 + 5 * k)
            feed.spare = {z: load[z] * (0.5 - 0.02 * ((k + i) % 3)) for i, z in enumerate(zones)}
            began = time.perf_counter()
            result = controller.cycle(at)
            (moving if result.plan.changes else steady).append(time.perf_counter() - began)
        if moving:
            print(f"control cycle, grid state moving (revisions): {stats(moving)}")
        feed.spare = dict(feed.spare)
        for k in range(cycles):
            began = time.perf_counter()
            controller.cycle(now + timedelta(seconds=1000 + 5 * k))
            steady.append(time.perf_counter() - began)
        print(f"control cycle, steady (nothing to change): {stats(steady)}")
        engine.dispose()


# -- 3. decision to acknowledgement ---------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--zones", type=int, default=20)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--skip-agents", action="store_true")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    bench_decision(args.sites, args.zones, args.runs)
    bench_cycle(args.sites, args.zones, args.cycles)
    if not args.skip_agents:
        from bench.control_agents import bench_acks

        bench_acks(args.agents)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    multiprocessing.set_start_method("spawn", force=True)
    main()

__all__ = ["SECRET", "json", "secrets"]
