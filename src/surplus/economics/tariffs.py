"""Tariffs a flexible load pays, as hourly prices per MWh at its meter.

Every tariff has the same shape: an energy price per MWh at the generator's node, grossed up
for the losses between node and meter, plus a network charge:
`price = energy / (1 − loss_share) + network_charge`. A headline all-in rate (such as the
floated Rs 23/kWh) is an energy price with no losses and no network charge on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from surplus.economics.catalogue import TARIFFS
from surplus.errors import InputError, Problem

_P = TARIFFS.default


class Tariff(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def network_charge_pkr_per_mwh(self) -> float: ...
    @property
    def loss_share(self) -> float: ...

    def energy_pkr_per_mwh(self, marginal_cost_pkr_per_mwh: pd.Series) -> pd.Series: ...


def price_pkr_per_mwh(tariff: Tariff, marginal_cost_pkr_per_mwh: pd.Series) -> pd.Series:
    """Hourly price at the load's meter; `marginal_cost_pkr_per_mwh` (the load zone's marginal
    generation cost, hourly UTC index) sets the hours, and the price for dynamic tariffs.

    >>> t = pd.date_range("2025-01-01", periods=2, freq="h", tz="UTC")
    >>> price_pkr_per_mwh(FixedTariff("flat", 20_000, 500, 0.2), pd.Series(0.0, t)).tolist()
    [25500.0, 25500.0]
    """
    energy = tariff.energy_pkr_per_mwh(marginal_cost_pkr_per_mwh)
    price = energy / (1.0 - tariff.loss_share) + tariff.network_charge_pkr_per_mwh
    return price.rename("tariff_pkr_per_mwh")


def _check(name: str, **values: float) -> None:
    problems = [
        Problem(f"tariff {name}", None, key, "a finite number ≥ 0", repr(value))
        for key, value in values.items()
        if not (np.isfinite(value) and value >= 0)
    ]
    if values.get("loss_share", 0.0) >= 1.0:
        problems.append(
            Problem(f"tariff {name}", None, "loss_share", "a share < 1", repr(values["loss_share"]))
        )
    if problems:
        raise InputError(problems)


@dataclass(frozen=True)
class FixedTariff:
    name: str
    rate_pkr_per_mwh: float
    network_charge_pkr_per_mwh: float = 0.0
    loss_share: float = 0.0

    def __post_init__(self) -> None:
        _check(
            self.name,
            rate=self.rate_pkr_per_mwh,
            network=self.network_charge_pkr_per_mwh,
            loss_share=self.loss_share,
        )

    def energy_pkr_per_mwh(self, marginal_cost_pkr_per_mwh: pd.Series) -> pd.Series:
        return pd.Series(self.rate_pkr_per_mwh, index=marginal_cost_pkr_per_mwh.index)


@dataclass(frozen=True)
class CurtailedFixedTariff:
    """A flat all-in rate, with the loads curtailed in every hour whose cost to serve (the
    subsidy test's: marginal cost grossed up for `serving_loss_share`, plus
    `serving_network_pkr_per_mwh`) exceeds it. A rule a regulator can adopt: subsidy-free by
    construction, at the price of curtailment in the dear hours."""

    name: str
    rate_pkr_per_mwh: float
    serving_network_pkr_per_mwh: float = _P("network_cost_pkr_per_mwh")
    serving_loss_share: float = _P("loss_share")
    network_charge_pkr_per_mwh: float = 0.0
    loss_share: float = 0.0

    def __post_init__(self) -> None:
        _check(
            self.name,
            rate=self.rate_pkr_per_mwh,
            network=self.serving_network_pkr_per_mwh,
            loss_share=self.serving_loss_share,
        )

    def energy_pkr_per_mwh(self, marginal_cost_pkr_per_mwh: pd.Series) -> pd.Series:
        return pd.Series(self.rate_pkr_per_mwh, index=marginal_cost_pkr_per_mwh.index)

    def highest_marginal_cost_pkr_per_mwh(self) -> float:
        """The marginal generation cost above which the loads are curtailed (−inf when the
        rate does not even cover the network cost).

        >>> CurtailedFixedTariff("c", 23_000, 3_000, 0.2).highest_marginal_cost_pkr_per_mwh()
        16000.0
        """
        energy = (self.rate_pkr_per_mwh - self.serving_network_pkr_per_mwh) * (
            1.0 - self.serving_loss_share
        )
        return energy if energy >= 0 else float("-inf")


@dataclass(frozen=True)
class TimeOfUseTariff:
    """A peak rate for `peak_hours` from `peak_start_hour` local time, off-peak otherwise."""

    name: str
    peak_pkr_per_mwh: float = _P("tou_peak_pkr_per_mwh")
    off_peak_pkr_per_mwh: float = _P("tou_off_peak_pkr_per_mwh")
    peak_start_hour: int = int(_P("tou_peak_start_hour"))
    peak_hours: int = int(_P("tou_peak_hours"))
    timezone: str = "Asia/Karachi"
    network_charge_pkr_per_mwh: float = 0.0
    loss_share: float = 0.0

    def __post_init__(self) -> None:
        _check(
            self.name,
            peak=self.peak_pkr_per_mwh,
            off_peak=self.off_peak_pkr_per_mwh,
            network=self.network_charge_pkr_per_mwh,
            loss_share=self.loss_share,
        )

    def is_peak(self, index: pd.DatetimeIndex) -> np.ndarray:
        hour = np.asarray(index.tz_convert(self.timezone).hour)
        return np.asarray((hour - self.peak_start_hour) % 24 < self.peak_hours)

    def energy_pkr_per_mwh(self, marginal_cost_pkr_per_mwh: pd.Series) -> pd.Series:
        index = pd.DatetimeIndex(marginal_cost_pkr_per_mwh.index)
        rate = np.where(self.is_peak(index), self.peak_pkr_per_mwh, self.off_peak_pkr_per_mwh)
        return pd.Series(rate, index=index)


@dataclass(frozen=True)
class DynamicTariff:
    """The zone's marginal generation cost plus an adder, never below a floor."""

    name: str
    adder_pkr_per_mwh: float = _P("dynamic_adder_pkr_per_mwh")
    floor_pkr_per_mwh: float = _P("dynamic_floor_pkr_per_mwh")
    network_charge_pkr_per_mwh: float = _P("network_cost_pkr_per_mwh")
    loss_share: float = _P("loss_share")

    def __post_init__(self) -> None:
        _check(
            self.name,
            adder=self.adder_pkr_per_mwh,
            floor=self.floor_pkr_per_mwh,
            network=self.network_charge_pkr_per_mwh,
            loss_share=self.loss_share,
        )

    def energy_pkr_per_mwh(self, marginal_cost_pkr_per_mwh: pd.Series) -> pd.Series:
        return (marginal_cost_pkr_per_mwh.astype(float) + self.adder_pkr_per_mwh).clip(
            lower=self.floor_pkr_per_mwh
        )

    def highest_marginal_cost_pkr_per_mwh(self, value_pkr_per_mwh: float) -> float:
        """The highest marginal cost at which a load worth `value_pkr_per_mwh` at its meter
        still wants power (−inf when even the floor is too dear): its bid in the dispatch."""
        energy = (value_pkr_per_mwh - self.network_charge_pkr_per_mwh) * (1.0 - self.loss_share)
        if energy < self.floor_pkr_per_mwh:
            return float("-inf")
        return energy - self.adder_pkr_per_mwh
