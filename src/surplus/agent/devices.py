"""The one interface every device adapter offers the agent: measure the site's power, and
hold it at or below a limit (None: run freely). Adapters: `simulated` (a site in
software), `pyasic_miners` (Bitcoin miners), `nvml_gpus` (NVIDIA GPUs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from surplus.errors import SurplusError


class DeviceError(SurplusError):
    """A device refused or failed a command; the agent reports state ERROR."""


@dataclass(frozen=True)
class Reading:
    """Site power, kW drawn (positive = consumption), measured at `at`."""

    at: datetime
    power_kw: float


class Device(Protocol):
    name: str

    async def read(self, now: datetime) -> Reading:
        """Measure power now."""
        ...

    async def apply(self, limit_kw: float | None, now: datetime) -> None:
        """Start bringing power to at most `limit_kw` (None: release). Returns once the
        commands are sent; `read` shows whether they worked."""
        ...

    async def check(self, now: datetime) -> None:
        """Verify earlier commands by measured power and escalate where they did not
        take (called every agent step)."""
        ...
