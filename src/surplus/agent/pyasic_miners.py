"""Bitcoin miners through pyasic: power targets where the firmware has them (Braiins OS+,
LuxOS, VNish), sleep and wake on stock firmware, verified by measured power.

A limit for the site becomes a plan per miner: in a fixed order, miners run at full power
while the budget lasts; the next one, if its firmware takes a power target, runs at what
is left (not below `min_target_share` of its nominal draw); the rest sleep. Stock
firmware can take ~20 s to apply a configuration, and some models report sleep while
still hashing, so `verify_after_s` after each command the agent reads each miner's power:
a miner told to sleep that still draws more than `asleep_share` of its nominal is sent
the command again, and if it still draws, it is marked as ignoring sleep and its draw is
taken out of the budget, so another miner sleeps in its place (escalation) and the site
stays within its limit.

`get_miner` is pyasic's `get_miner(ip)` (async; the default imports pyasic lazily), so
tests pass a fake with the same names: `get_data(include=[...])` returning an object with
`wattage`, `wattage_limit`, `is_mining`; `stop_mining()`, `resume_mining()`,
`set_power_limit(wattage)`; and the flags `supports_power_modes`, `supports_autotuning`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from surplus.agent.devices import DeviceError, Reading

log = logging.getLogger(__name__)
DATA = ["wattage", "wattage_limit", "is_mining"]


@dataclass
class Miner:
    ip: str
    handle: Any
    nominal_w: float = 0.0
    last_w: float = 0.0
    asleep: bool = False
    target_w: int | None = None
    verify_at: datetime | None = None
    retries: int = 0
    ignores_sleep: bool = False

    @property
    def tunable(self) -> bool:
        return bool(
            getattr(self.handle, "supports_power_modes", False)
            or getattr(self.handle, "supports_autotuning", False)
        )


async def _default_get_miner(ip: str) -> Any:
    import pyasic  # the `agent` extra

    return await pyasic.get_miner(ip)


@dataclass
class PyasicMiners:
    ips: Sequence[str]
    get_miner: Callable[[str], Awaitable[Any]] = _default_get_miner
    nominal_w: float = 3500.0
    """Assumed draw of a miner until one is measured mining."""
    overhead_kw: float = 0.0
    """Site load besides the miners (cooling, offices), counted in every reading."""
    verify_after_s: float = 30.0
    asleep_share: float = 0.1
    min_target_share: float = 0.5
    name: str = "pyasic"
    miners: list[Miner] = field(default_factory=list)
    _limit_kw: float | None = None

    async def _connect(self) -> None:
        if self.miners:
            return
        handles = await asyncio.gather(*(self.get_miner(ip) for ip in self.ips))
        missing = [ip for ip, handle in zip(self.ips, handles, strict=True) if handle is None]
        if missing:
            raise DeviceError(f"no miner answered at {', '.join(missing)}")
        self.miners = [
            Miner(ip, h, self.nominal_w) for ip, h in zip(self.ips, handles, strict=True)
        ]

    async def read(self, now: datetime) -> Reading:
        await self._connect()
        await asyncio.gather(*(self._read_one(m) for m in self.miners))
        total_w = sum(m.last_w for m in self.miners)
        return Reading(now, total_w / 1000 + self.overhead_kw)

    async def _read_one(self, miner: Miner) -> None:
        try:
            data = await miner.handle.get_data(include=DATA)
        except Exception as error:  # a miner that does not answer keeps its last reading
            log.warning("miner %s did not answer: %s", miner.ip, error)
            return
        watts = getattr(data, "wattage", None)
        if watts is not None:
            miner.last_w = float(watts)
            if getattr(data, "is_mining", False) and not miner.asleep and miner.target_w is None:
                miner.nominal_w = max(float(watts), 1.0)

    async def apply(self, limit_kw: float | None, now: datetime) -> None:
        await self._connect()
        self._limit_kw = limit_kw
        await self._carry_out(self._plan(limit_kw), now)

    def _plan(self, limit_kw: float | None) -> list[tuple[Miner, str, int | None]]:
        """(miner, 'run' | 'target' | 'sleep', watts) for each miner."""
        if limit_kw is None:
            return [(m, "run", None) for m in self.miners]
        budget_w = max(limit_kw - self.overhead_kw, 0.0) * 1000
        budget_w -= sum(m.last_w for m in self.miners if m.ignores_sleep)
        plan: list[tuple[Miner, str, int | None]] = []
        for miner in self.miners:
            if miner.ignores_sleep:
                plan.append((miner, "sleep", None))
            elif budget_w >= miner.nominal_w:
                plan.append((miner, "run", None))
                budget_w -= miner.nominal_w
            elif miner.tunable and budget_w >= self.min_target_share * miner.nominal_w:
                plan.append((miner, "target", int(budget_w)))
                budget_w = 0.0
            else:
                plan.append((miner, "sleep", None))
        return plan

    async def _carry_out(self, plan: list[tuple[Miner, str, int | None]], now: datetime) -> None:
        async def one(miner: Miner, action: str, watts: int | None) -> None:
            try:
                if action == "sleep" and not miner.asleep:
                    await miner.handle.stop_mining()
                    miner.asleep, miner.target_w = True, None
                    miner.verify_at = now + timedelta(seconds=self.verify_after_s)
                elif action in ("run", "target"):
                    if miner.asleep:
                        await miner.handle.resume_mining()
                        miner.asleep, miner.verify_at, miner.retries = False, None, 0
                    wanted = watts if action == "target" else None
                    if miner.tunable and wanted != miner.target_w:
                        await miner.handle.set_power_limit(int(wanted or miner.nominal_w))
                        miner.target_w = wanted
            except Exception as error:
                raise DeviceError(f"miner {miner.ip}: {action} failed: {error}") from error

        await asyncio.gather(*(one(*step) for step in plan))

    async def check(self, now: datetime) -> None:
        """Verify sleeping miners by measured power; re-send, then work around."""
        due = [
            m for m in self.miners if m.asleep and m.verify_at is not None and now >= m.verify_at
        ]
        if not due:
            return
        await asyncio.gather(*(self._read_one(m) for m in due))
        replan = False
        for miner in due:
            if miner.last_w <= self.asleep_share * miner.nominal_w:
                miner.verify_at = None
                continue
            if miner.retries == 0:
                log.warning(
                    "miner %s reports sleep but draws %.0f W: sending again", miner.ip, miner.last_w
                )
                miner.retries = 1
                await miner.handle.stop_mining()
                miner.verify_at = now + timedelta(seconds=self.verify_after_s)
            else:
                log.error(
                    "miner %s ignores sleep (%.0f W): another sleeps in its place",
                    miner.ip,
                    miner.last_w,
                )
                miner.ignores_sleep, miner.verify_at = True, None
                replan = True
        if replan and self._limit_kw is not None:
            await self._carry_out(self._plan(self._limit_kw), now)
