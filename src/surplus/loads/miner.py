"""A Bitcoin miner fleet as a flexible load: what it draws, hashes and earns when curtailed.

Curtailment is either by power target (any MW, continuous: firmware lowers every unit's power)
or on/off (whole containers, so the curtailed MW rounds up to a container). Hashrate is taken
as proportional to power, which slightly understates an underclocked fleet's output. Each time
curtailed capacity comes back it loses `restart_minutes` of output while drawing power.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from surplus.errors import InputError, Problem
from surplus.loads.accounts import (
    HOURS_PER_YEAR,
    LoadEconomics,
    as_hourly,
    capital_recovery_factor,
    checked_curtailment,
    close_books,
    period_years,
)
from surplus.loads.catalogue import MINER_FLEET, AsicModel, asic_model

CurtailmentMode = Literal["power_target", "on_off"]

_P = MINER_FLEET.default


@dataclass(frozen=True)
class MinerFleet:
    """A mining site. `mix` gives each ASIC model's share of the site's ASIC power."""

    name: str
    grid_mw: float = _P("grid_mw")
    mix: tuple[tuple[str, float], ...] = (("antminer_s21_xp", 1.0),)
    cooling_overhead: float = _P("cooling_overhead")
    curtailment_mode: CurtailmentMode = "power_target"
    block_mw: float = _P("block_mw")
    shed_seconds: float = _P("shed_seconds")
    restart_minutes: float = _P("restart_minutes")
    pool_fee_share: float = _P("pool_fee_share")
    opex_usd_per_mwh: float = _P("opex_usd_per_mwh")
    asic_price_usd_per_th: float = _P("asic_price_usd_per_th")
    site_capex_usd_per_mw: float = _P("site_capex_usd_per_mw")
    discount_rate: float = _P("discount_rate")
    asic_life_years: float = _P("asic_life_years")

    def __post_init__(self) -> None:
        owner = f"miner fleet {self.name}"
        MINER_FLEET.check(owner, self)
        if self.curtailment_mode not in ("power_target", "on_off"):
            raise InputError(
                Problem(
                    owner, None, "curtailment_mode", "power_target or on_off", self.curtailment_mode
                )
            )
        shares = [share for _, share in self.mix]
        if not shares or min(shares) < 0 or abs(sum(shares) - 1.0) > 1e-6:
            raise InputError(Problem(owner, None, "mix", "shares ≥ 0 summing to 1", repr(self.mix)))
        for model, _ in self.mix:
            asic_model(model)

    @property
    def models(self) -> tuple[tuple[AsicModel, float], ...]:
        return tuple((asic_model(name), share) for name, share in self.mix)

    @property
    def asic_mw(self) -> float:
        return self.grid_mw / (1.0 + self.cooling_overhead)

    @property
    def hashrate_phs(self) -> float:
        """Fleet hashrate at full power, PH/s (1 MW at e J/TH gives 1000/e PH/s)."""
        mw = self.asic_mw
        return sum(mw * share * 1000.0 / m.efficiency_j_per_th for m, share in self.models)

    @property
    def efficiency_j_per_th(self) -> float:
        return self.asic_mw * 1000.0 / self.hashrate_phs if self.hashrate_phs else float("nan")

    @property
    def capex_usd(self) -> float:
        asics = sum(
            self.asic_mw * share * 1e6 / m.efficiency_j_per_th * self._price_per_th(m)
            for m, share in self.models
        )
        return asics + self.site_capex_usd_per_mw * self.grid_mw

    def _price_per_th(self, model: AsicModel) -> float:
        if model.price_usd_per_th is not None:
            return model.price_usd_per_th
        return self.asic_price_usd_per_th

    @property
    def annual_capital_charge_usd(self) -> float:
        return self.capex_usd * capital_recovery_factor(self.discount_rate, self.asic_life_years)

    def effective_curtailment_mw(self, curtailed_mw: pd.Series) -> pd.Series:
        """What the fleet actually sheds for a requested curtailment: whole containers when
        on/off, so never less than asked."""
        requested = checked_curtailment(curtailed_mw, self.grid_mw, f"miner fleet {self.name}")
        if self.curtailment_mode == "power_target" or self.block_mw == 0:
            return requested
        blocks = np.ceil(requested.to_numpy() / self.block_mw - 1e-9)
        return pd.Series(
            np.minimum(blocks * self.block_mw, self.grid_mw),
            index=requested.index,
            name="curtailed_mw",
        )


@dataclass(frozen=True)
class Levy:
    """What a fleet hands to the state in bitcoin: a share of the coins it mines (before the
    pool fee) and a fee per MWh it draws. A cost of running, like the pool fee."""

    share_of_mined: float = 0.0
    usd_per_mwh: float = 0.0


NO_LEVY = Levy()


def cash_value_pkr_per_mwh(
    fleet: MinerFleet,
    hashprice_usd_per_phs_day: float | pd.Series,
    usd_exchange_rate: float,
    levy: Levy = NO_LEVY,
) -> float | pd.Series:
    """What one MWh at the meter earns the fleet, less the pool fee, the levy and running
    costs (no energy, no capital): the most it pays for energy and still runs. The fleet
    runs in an hour exactly when this is at least the hour's tariff (`runs`), and
    `miner_economics` closes its books on the same terms.

    >>> fleet = MinerFleet("m", grid_mw=10.5, mix=(("antminer_s21_xp", 1.0),),
    ...                    cooling_overhead=0.05, pool_fee_share=0.02, opex_usd_per_mwh=5.0)
    >>> # 10 MW of ASICs at 13.5 J/TH: 740.7 PH/s over 10.5 MW = 70.55 PH/s per MW, mining
    >>> # 117.58 USD a MWh at 40 USD/PH/day; 88 % kept after pool and levy = 103.47; less
    >>> # 5 USD running costs = 98.47 USD = Rs 27,571 at 280.
    >>> round(cash_value_pkr_per_mwh(fleet, 40.0, 280.0, Levy(0.1, 0.0)))
    27571
    """
    phs_per_mw = fleet.hashrate_phs / fleet.grid_mw if fleet.grid_mw else 0.0
    mined_usd = phs_per_mw * hashprice_usd_per_phs_day / 24.0
    kept_usd = mined_usd * (1.0 - fleet.pool_fee_share - levy.share_of_mined)
    costs_usd = fleet.opex_usd_per_mwh + levy.usd_per_mwh
    return (kept_usd - costs_usd) * usd_exchange_rate


def runs(
    fleet: MinerFleet,
    hashprice_usd_per_phs_day: pd.Series,
    tariff_pkr_per_mwh: float | pd.Series,
    usd_exchange_rate: float,
    levy: Levy = NO_LEVY,
) -> pd.Series:
    """True in the hours the fleet would run at its tariff: its cash value per MWh (after the
    pool fee, the levy and running costs) covers the tariff."""
    index = pd.DatetimeIndex(hashprice_usd_per_phs_day.index)
    value = cash_value_pkr_per_mwh(fleet, hashprice_usd_per_phs_day, usd_exchange_rate, levy)
    tariff = as_hourly(tariff_pkr_per_mwh, index, "tariff_pkr_per_mwh")
    return (pd.Series(value, index=index) >= tariff).rename("runs")


def miner_economics(
    fleet: MinerFleet,
    curtailed_mw: pd.Series,
    tariff_pkr_per_mwh: float | pd.Series,
    hashprice_usd_per_phs_day: float | pd.Series,
    usd_exchange_rate: float,
    btc_price_usd: float | pd.Series | None = None,
    levy: Levy = NO_LEVY,
) -> LoadEconomics:
    """The fleet's accounts for an hourly curtailment series (MW shed, on an hourly UTC index).

    Revenue = productive PH/s × hashprice / 24 per hour, less the pool fee; productive power
    is served power less restarting capacity. The `levy` (a share of coins mined and a fee per
    MWh served) is a cost in every profit and breakeven. `btc_price_usd`, when given, converts
    revenue to BTC mined (before the pool fee; hourly column `btc_mined`) and the levy to
    bitcoin (`levy_btc`, valued at the hour's price).
    """
    index = pd.DatetimeIndex(curtailed_mw.index)
    curtailed = fleet.effective_curtailment_mw(curtailed_mw)
    served = fleet.grid_mw - curtailed
    restored = (
        curtailed.shift(1, fill_value=curtailed.iloc[0] if len(curtailed) else 0.0) - curtailed
    ).clip(lower=0.0)
    productive = (served - restored * fleet.restart_minutes / 60.0).clip(lower=0.0)
    phs_per_mw = fleet.hashrate_phs / fleet.grid_mw if fleet.grid_mw else 0.0
    hashprice = as_hourly(hashprice_usd_per_phs_day, index, "hashprice_usd_per_phs_day")
    gross_usd = productive * phs_per_mw * hashprice / 24.0
    tariff = as_hourly(tariff_pkr_per_mwh, index, "tariff_pkr_per_mwh")
    capital_usd_per_hour = fleet.annual_capital_charge_usd / HOURS_PER_YEAR
    hourly = pd.DataFrame(
        {
            "served_mw": served,
            "curtailed_mw": curtailed,
            "tariff_pkr_per_mwh": tariff,
            "revenue_pkr": gross_usd * (1.0 - fleet.pool_fee_share) * usd_exchange_rate,
            "energy_cost_pkr": served * tariff,
            "opex_pkr": served * fleet.opex_usd_per_mwh * usd_exchange_rate,
            "capital_pkr": capital_usd_per_hour * usd_exchange_rate,
        },
        index=index,
    )
    levy_usd = gross_usd * levy.share_of_mined + served * levy.usd_per_mwh
    hourly["levy_pkr"] = levy_usd * usd_exchange_rate
    hourly["btc_mined"] = 0.0
    hourly["levy_btc"] = 0.0
    if btc_price_usd is not None:
        price = as_hourly(btc_price_usd, index, "btc_price_usd")
        hourly["btc_mined"] = gross_usd / price
        hourly["levy_btc"] = levy_usd / price
    revenue_usd = float(hourly["revenue_pkr"].sum()) / usd_exchange_rate
    return close_books(
        fleet.name,
        "miner",
        fleet.grid_mw,
        hourly,
        usd_exchange_rate,
        btc_mined=float(hourly["btc_mined"].sum()),
        levy_btc=float(hourly["levy_btc"].sum()),
        export_revenue_usd=revenue_usd,
        capital_usd=fleet.capex_usd * period_years(index) / fleet.asic_life_years,
    )
