"""The whole stack in one test: store, VTN, controller and simulated agents (the
simulation's `World`) on a controlled clock, with a grid feed the test scripts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from surplus.control.grid import GridSnapshot, ZoneState
from surplus.simulation.scenario import Scenario, SimSite, SiteBehaviour, simulated_sheet
from surplus.simulation.world import World
from surplus.store.control_tables import ControlNonCompliance, ControlOrder
from surplus.store.openadr_tables import EventRow, ReportRow

DAY = date(2025, 6, 3)
START = datetime(2025, 6, 3, tzinfo=UTC)


class ScriptedFeed:
    """Spare MW per zone from given times on, and fixed prices per zone (`prices`);
    `down` makes the feed return nothing."""

    def __init__(self, spare: dict[str, float], prices: dict[str, float] | None = None) -> None:
        self.steps: list[tuple[datetime, dict[str, float]]] = [(START, dict(spare))]
        self.prices = prices or {}
        self.down = False

    def set(self, at: datetime, **spare: float) -> None:
        self.steps.append((at, {**self.steps[-1][1], **spare}))

    def next_change(self, now: datetime) -> datetime | None:
        later = [at for at, _ in self.steps if at > now]
        return min(later) if later else None

    def snapshot(self, now: datetime) -> GridSnapshot:
        if self.down:
            return GridSnapshot(now)
        _, values = max((s for s in self.steps if s[0] <= now), key=lambda s: s[0])
        return GridSnapshot(
            now,
            {z: ZoneState(z, mw, now, self.prices.get(z), "test") for z, mw in values.items()},
        )


def miner(site: int, mw: float, lies: bool = False, zone: str = "mepco") -> SimSite:
    rights = {"priority": site}
    sheet = simulated_sheet(
        site, f"op{site}", "plant", zone, "miner", mw, date(2000, 1, 1), rights, 1.0
    )
    return SimSite(
        sheet, SiteBehaviour(ramp_mw_per_s=mw / 10, delay_s=1.0, lies=lies), f"farm-{site}"
    )


def world(tmp_path: Path, sites: list[SimSite], feed: ScriptedFeed, **options: Any) -> World:
    scenario = Scenario(tuple(sites), DAY, "UTC")
    agent = {
        "report_s": 10.0,
        "idle_report_s": 60.0,
        "idle_sample_s": 10.0,
        "poll_s": 30.0,
        "fail_safe_after_s": 30.0,
        **options.pop("agent", {}),
    }
    control = {"compliance_window_s": 30.0, **options.pop("control", {})}
    return World(
        scenario,
        feed,
        tmp_path,
        tick_s=5.0,
        agent_options=agent,
        controller_options=control,
        **options,
    )


def ticks(start: datetime, seconds: float, every: float = 5.0) -> Iterator[datetime]:
    t = start
    while t < start + timedelta(seconds=seconds):
        yield t
        t += timedelta(seconds=every)


def count(w: World, model: Any, *where: Any) -> int:
    with w.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def orders(w: World) -> list[ControlOrder]:
    with w.factory() as session:
        return list(session.scalars(select(ControlOrder).order_by(ControlOrder.id)))


def faults(w: World) -> list[ControlNonCompliance]:
    with w.factory() as session:
        return list(session.scalars(select(ControlNonCompliance)))


__all__ = ["EventRow", "ReportRow"]
