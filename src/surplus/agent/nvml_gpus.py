"""NVIDIA GPUs through NVML (the `nvidia-ml-py` package, module `pynvml`): power read from
every GPU, and a limit held by each GPU's power-management limit.

Read-only by default: it then measures and never changes a setting, and an order it
cannot carry out is reported as an error (state ERROR), not silently ignored. With
control on, a site limit is split evenly over the GPUs (after the site's other load
and a multiplier for cooling and servers), each clamped to the range its board allows;
releasing restores each GPU's default limit. Setting limits needs administrator rights.

`nvml` is the pynvml module (default: imported lazily), so tests pass a fake with the
same names: nvmlInit, nvmlShutdown, nvmlDeviceGetCount, nvmlDeviceGetHandleByIndex,
nvmlDeviceGetPowerUsage (mW), nvmlDeviceGetPowerManagementLimitConstraints (mW),
nvmlDeviceGetPowerManagementDefaultLimit, nvmlDeviceGetPowerManagementLimit,
nvmlDeviceSetPowerManagementLimit, and NVMLError.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

from surplus.agent.devices import DeviceError, Reading

log = logging.getLogger(__name__)


def _pynvml() -> ModuleType:
    import pynvml  # the `agent` extra (nvidia-ml-py)

    return pynvml


@dataclass
class NvmlGpus:
    nvml: Any = None
    read_only: bool = True
    overhead_kw: float = 0.0
    """Site load that is not GPUs, counted in every reading."""
    gpu_share: float = 1.0
    """Site power per GPU watt beyond the overhead (servers, cooling): 1.3 means every
    GPU watt costs 1.3 W at the meter."""
    name: str = "nvml"
    handles: list[Any] = field(default_factory=list)
    ranges_mw: list[tuple[int, int]] = field(default_factory=list)
    defaults_mw: list[int] = field(default_factory=list)
    requested_mw: list[int] | None = None

    def _open(self) -> None:
        if self.handles:
            return
        if self.nvml is None:
            self.nvml = _pynvml()
        nvml = self.nvml
        try:
            nvml.nvmlInit()
            count = nvml.nvmlDeviceGetCount()
            self.handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            self.ranges_mw = [
                tuple(nvml.nvmlDeviceGetPowerManagementLimitConstraints(h)) for h in self.handles
            ]
            self.defaults_mw = [
                nvml.nvmlDeviceGetPowerManagementDefaultLimit(h) for h in self.handles
            ]
        except nvml.NVMLError as error:
            raise DeviceError(f"NVML: {error}") from error
        if not self.handles:
            raise DeviceError("NVML found no GPU")

    def limits_mw(self) -> list[int]:
        """Each GPU's power-management limit now (what a read-only run must leave as found)."""
        self._open()
        return [self.nvml.nvmlDeviceGetPowerManagementLimit(h) for h in self.handles]

    async def read(self, now: datetime) -> Reading:
        self._open()
        try:
            total_mw = sum(self.nvml.nvmlDeviceGetPowerUsage(h) for h in self.handles)
        except self.nvml.NVMLError as error:
            raise DeviceError(f"NVML: {error}") from error
        return Reading(now, total_mw / 1e6 * self.gpu_share + self.overhead_kw)

    async def apply(self, limit_kw: float | None, now: datetime) -> None:
        self._open()
        if self.read_only:
            if limit_kw is not None:
                raise DeviceError("NVML adapter is read-only: the limit was not applied")
            return
        if limit_kw is None:
            wanted = list(self.defaults_mw)
        else:
            per_gpu_mw = (
                max(limit_kw - self.overhead_kw, 0.0) / self.gpu_share * 1e6 / len(self.handles)
            )
            wanted = [int(min(max(per_gpu_mw, low), high)) for low, high in self.ranges_mw]
        try:
            for handle, value in zip(self.handles, wanted, strict=True):
                self.nvml.nvmlDeviceSetPowerManagementLimit(handle, value)
        except self.nvml.NVMLError as error:
            raise DeviceError(f"NVML refused the power limit: {error}") from error
        self.requested_mw = wanted

    async def check(self, now: datetime) -> None:
        """A limit the driver does not enforce (another tool reset it) is set again."""
        if self.read_only or self.requested_mw is None:
            return
        try:
            for handle, value in zip(self.handles, self.requested_mw, strict=True):
                if self.nvml.nvmlDeviceGetPowerManagementLimit(handle) != value:
                    log.warning("GPU power limit changed behind the agent: setting it again")
                    self.nvml.nvmlDeviceSetPowerManagementLimit(handle, value)
        except self.nvml.NVMLError as error:
            raise DeviceError(f"NVML: {error}") from error

    def close(self) -> None:
        if self.handles and self.nvml is not None:
            self.nvml.nvmlShutdown()
            self.handles = []
