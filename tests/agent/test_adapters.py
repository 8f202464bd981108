"""The pyasic and NVML adapters against fakes of those libraries' interfaces (the names
pyasic 0.79 and nvidia-ml-py 13 use), and the simulated site."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from surplus.agent.devices import DeviceError
from surplus.agent.nvml_gpus import NvmlGpus
from surplus.agent.pyasic_miners import PyasicMiners
from surplus.agent.simulated import SimulatedSite

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


# -- pyasic -----------------------------------------------------------------------------------


@dataclass
class FakeData:
    wattage: int | None
    wattage_limit: int | None
    is_mining: bool


@dataclass
class FakeMiner:
    """pyasic's miner surface: get_data, stop_mining, resume_mining, set_power_limit."""

    nominal_w: int = 3500
    supports_power_modes: bool = False
    supports_autotuning: bool = False
    ignores_sleep: bool = False
    mining: bool = True
    limit_w: int | None = None
    calls: list[str] = field(default_factory=list)

    async def get_data(self, include: list[str] | None = None) -> FakeData:
        assert include is not None and "wattage" in include
        if not self.mining and not self.ignores_sleep:
            return FakeData(15, self.limit_w, False)
        watts = self.nominal_w if self.limit_w is None else min(self.limit_w, self.nominal_w)
        return FakeData(watts, self.limit_w, not (not self.mining and not self.ignores_sleep))

    async def stop_mining(self) -> bool:
        self.calls.append("stop")
        self.mining = False
        return True

    async def resume_mining(self) -> bool:
        self.calls.append("resume")
        self.mining = True
        return True

    async def set_power_limit(self, wattage: int) -> bool:
        self.calls.append(f"limit {wattage}")
        self.limit_w = wattage
        return True


def fleet_of(miners: dict[str, FakeMiner]) -> PyasicMiners:
    async def get_miner(ip: str) -> FakeMiner | None:
        return miners.get(ip)

    return PyasicMiners(list(miners), get_miner=get_miner, verify_after_s=20)


def test_stock_firmware_miners_sleep_until_the_site_is_under_its_limit() -> None:
    miners = {f"10.0.0.{i}": FakeMiner() for i in range(1, 5)}  # 4 × 3.5 kW
    site = fleet_of(miners)
    assert run(site.read(T0)).power_kw == pytest.approx(14.0)
    run(site.apply(7.5, T0))  # two miners fit (7 kW), the other two sleep
    assert [m.mining for m in miners.values()] == [True, True, False, False]
    assert run(site.read(T0)).power_kw == pytest.approx(7.03)
    run(site.apply(None, T0))
    assert all(m.mining for m in miners.values())


def test_power_target_firmware_gets_the_remainder_as_a_target() -> None:
    miners = {"a": FakeMiner(supports_power_modes=True), "b": FakeMiner(supports_power_modes=True)}
    site = fleet_of(miners)
    run(site.read(T0))
    run(site.apply(5.5, T0))  # a runs full (3.5 kW), b gets a 2 kW target (≥ half nominal)
    assert miners["a"].mining and miners["b"].limit_w == 2000
    assert run(site.read(T0)).power_kw == pytest.approx(5.5)


def test_a_miner_that_reports_sleep_but_draws_is_retried_then_replaced() -> None:
    miners = {"a": FakeMiner(ignores_sleep=True), "b": FakeMiner(), "c": FakeMiner()}
    site = fleet_of(miners)
    run(site.read(T0))
    run(site.apply(7.0, T0))  # plan: a and b run, c sleeps — c obeys
    run(site.apply(3.5, T0))  # now b sleeps too; a runs
    assert miners["b"].calls == ["stop"]
    run(site.apply(0.0, T0))  # everyone sleeps — but a keeps drawing
    run(site.check(T0 + timedelta(seconds=21)))
    assert miners["a"].calls.count("stop") == 2  # sent again
    run(site.check(T0 + timedelta(seconds=42)))
    assert site.miners[0].ignores_sleep  # escalated: its draw is taken out of the budget
    # With 3.5 kW allowed and `a` stuck at 3.5 kW, nothing else may wake.
    run(site.apply(3.6, T0 + timedelta(seconds=50)))
    assert not miners["b"].mining and not miners["c"].mining
    assert run(site.read(T0 + timedelta(seconds=50))).power_kw <= 3.6


def test_an_absent_miner_is_an_error() -> None:
    site = fleet_of({})
    site.ips = ["10.9.9.9"]
    with pytest.raises(DeviceError, match=r"10\.9\.9\.9"):
        run(site.read(T0))


# -- NVML -------------------------------------------------------------------------------------


class FakeNvml:
    """pynvml's names; powers in milliwatts."""

    class NVMLError(Exception):
        pass

    def __init__(self, gpus: int = 2, usage_mw: int = 600_000, allow_set: bool = True) -> None:
        self.usage = [usage_mw] * gpus
        self.limits = [700_000] * gpus
        self.allow_set = allow_set
        self.set_calls: list[tuple[int, int]] = []
        self.initialised = False

    def nvmlInit(self) -> None:
        self.initialised = True

    def nvmlShutdown(self) -> None:
        self.initialised = False

    def nvmlDeviceGetCount(self) -> int:
        return len(self.usage)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return min(self.usage[handle], self.limits[handle])

    def nvmlDeviceGetPowerManagementLimitConstraints(self, handle: int) -> list[int]:
        return [200_000, 700_000]

    def nvmlDeviceGetPowerManagementDefaultLimit(self, handle: int) -> int:
        return 700_000

    def nvmlDeviceGetPowerManagementLimit(self, handle: int) -> int:
        return self.limits[handle]

    def nvmlDeviceSetPowerManagementLimit(self, handle: int, limit: int) -> None:
        if not self.allow_set:
            raise self.NVMLError("Insufficient Permissions")
        self.set_calls.append((handle, limit))
        self.limits[handle] = limit


def test_nvml_reads_site_power_and_read_only_never_changes_a_setting() -> None:
    nvml = FakeNvml()
    gpus = NvmlGpus(nvml=nvml, overhead_kw=0.3, gpu_share=1.5)
    assert run(gpus.read(T0)).power_kw == pytest.approx(1.2 * 1.5 + 0.3)
    with pytest.raises(DeviceError, match="read-only"):
        run(gpus.apply(1.0, T0))
    run(gpus.apply(None, T0))
    assert nvml.set_calls == [] and nvml.limits == [700_000, 700_000]


def test_nvml_splits_a_limit_over_the_gpus_within_each_boards_range() -> None:
    nvml = FakeNvml()
    gpus = NvmlGpus(nvml=nvml, read_only=False, overhead_kw=0.2)
    run(gpus.apply(1.0, T0))  # 0.8 kW for two GPUs: 400 W each
    assert nvml.limits == [400_000, 400_000]
    run(gpus.apply(0.0, T0))  # below the boards' minimum: clamped at 200 W
    assert nvml.limits == [200_000, 200_000]
    nvml.limits[0] = 700_000  # someone reset it behind the agent's back
    run(gpus.check(T0))
    assert nvml.limits[0] == 200_000
    run(gpus.apply(None, T0))
    assert nvml.limits == [700_000, 700_000]


def test_nvml_refusals_become_device_errors() -> None:
    gpus = NvmlGpus(nvml=FakeNvml(allow_set=False), read_only=False)
    with pytest.raises(DeviceError, match="Insufficient"):
        run(gpus.apply(1.0, T0))


# -- simulated --------------------------------------------------------------------------------


def test_the_simulated_site_ramps_after_its_delay_and_a_liar_never_moves() -> None:
    site = SimulatedSite(
        "s", full_kw=1000, floor_kw=100, ramp_kw_per_s=100, delay_s=2, noise_share=0
    )
    run(site.apply(200, T0))
    assert site.exact_kw(T0 + timedelta(seconds=2)) == 1000
    assert site.exact_kw(T0 + timedelta(seconds=5)) == pytest.approx(700)
    assert site.exact_kw(T0 + timedelta(seconds=20)) == 200
    run(site.apply(0, T0 + timedelta(seconds=20)))  # not below the firm floor
    assert site.exact_kw(T0 + timedelta(seconds=40)) == 100
    liar = SimulatedSite("l", full_kw=1000, lies=True, noise_share=0)
    run(liar.apply(0, T0))
    assert liar.exact_kw(T0 + timedelta(minutes=5)) == 1000
