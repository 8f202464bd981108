"""A site in software, for simulations and tests: power ramps toward its target at a
set rate after a command delay, with noise, occasional failed commands, and optionally
a lying controller that acknowledges every order but never curtails."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from surplus.agent.devices import DeviceError, Reading


@dataclass
class SimulatedSite:
    name: str
    full_kw: float
    floor_kw: float = 0.0
    ramp_kw_per_s: float = 1000.0
    delay_s: float = 2.0
    noise_share: float = 0.005
    fail_share: float = 0.0
    """Share of commands that fail (the agent retries at its next step)."""
    lies: bool = False
    """Acknowledges orders but keeps drawing full power."""
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)
    _from_kw: float = field(init=False)
    _to_kw: float = field(init=False)
    _since: datetime | None = field(init=False, default=None)
    commands: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._from_kw = self._to_kw = self.full_kw

    def exact_kw(self, now: datetime) -> float:
        """Power without noise (what the simulation integrates)."""
        if self._since is None:
            return self._to_kw
        moving_s = (now - self._since).total_seconds() - self.delay_s
        if moving_s <= 0:
            return self._from_kw
        step = self.ramp_kw_per_s * moving_s
        if self._to_kw < self._from_kw:
            return max(self._to_kw, self._from_kw - step)
        return min(self._to_kw, self._from_kw + step)

    async def read(self, now: datetime) -> Reading:
        exact = self.exact_kw(now)
        noise = self._rng.gauss(0.0, self.noise_share * self.full_kw) if self.noise_share else 0.0
        return Reading(now, max(exact + noise, 0.0))

    async def apply(self, limit_kw: float | None, now: datetime) -> None:
        self.commands += 1
        if self.fail_share and self._rng.random() < self.fail_share:
            raise DeviceError(f"{self.name}: command failed")
        if self.lies:
            return
        target = (
            self.full_kw if limit_kw is None else max(min(limit_kw, self.full_kw), self.floor_kw)
        )
        self._from_kw, self._to_kw, self._since = self.exact_kw(now), target, now

    async def check(self, now: datetime) -> None:
        return None
