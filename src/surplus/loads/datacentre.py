"""An AI data centre as a flexible load: a share of its power can be shed for a few hours.

Curtailment inside the envelope (at most `flexible_share` of the load, for at most
`flexible_hours` in a row) slows work with service kept; any hour beyond it is an outage that
counts against `uptime_required`. Every curtailed MWh loses the compute it would have sold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from surplus.loads.accounts import (
    HOURS_PER_YEAR,
    LoadEconomics,
    as_hourly,
    capital_recovery_factor,
    checked_curtailment,
    close_books,
    period_years,
)
from surplus.loads.catalogue import DATA_CENTRE

_P = DATA_CENTRE.default


@dataclass(frozen=True)
class DataCentre:
    name: str
    it_mw: float = _P("it_mw")
    pue: float = _P("pue")
    flexible_share: float = _P("flexible_share")
    flexible_hours: float = _P("flexible_hours")
    compute_value_usd_per_mwh: float = _P("compute_value_usd_per_mwh")
    utilisation: float = _P("utilisation")
    uptime_required: float = _P("uptime_required")
    export_share: float = _P("export_share")
    opex_usd_per_mwh: float = _P("opex_usd_per_mwh")
    capex_usd_per_mw: float = _P("capex_usd_per_mw")
    discount_rate: float = _P("discount_rate")
    life_years: float = _P("life_years")

    def __post_init__(self) -> None:
        DATA_CENTRE.check(f"data centre {self.name}", self)

    @property
    def grid_mw(self) -> float:
        return self.it_mw * self.pue

    @property
    def flexible_mw(self) -> float:
        return self.grid_mw * self.flexible_share

    @property
    def sold_usd_per_mwh(self) -> float:
        """Compute sold per MWh drawn: its value times the share of it sold."""
        return self.compute_value_usd_per_mwh * self.utilisation

    @property
    def capex_usd(self) -> float:
        return self.capex_usd_per_mw * self.it_mw

    @property
    def annual_capital_charge_usd(self) -> float:
        return self.capex_usd * capital_recovery_factor(self.discount_rate, self.life_years)


def outside_envelope(centre: DataCentre, curtailed_mw: pd.Series) -> pd.Series:
    """True for hours whose curtailment exceeds the flexible share, or that extend a run of
    curtailed hours past `flexible_hours`.

    >>> dc = DataCentre("dc", it_mw=100, pue=1.0, flexible_share=0.25, flexible_hours=2)
    >>> t = pd.date_range("2025-01-01", periods=4, freq="h", tz="UTC")
    >>> outside_envelope(dc, pd.Series([10.0, 10.0, 10.0, 30.0], index=t)).tolist()
    [False, False, True, True]
    """
    values = curtailed_mw.to_numpy(dtype=float)
    tolerance = 1e-6 * max(1.0, centre.grid_mw)
    too_deep = values > centre.flexible_mw + tolerance
    run = np.zeros(len(values), dtype=int)
    for i, curtailed in enumerate(values > tolerance):
        run[i] = (run[i - 1] + 1 if i else 1) if curtailed else 0
    too_long = run > centre.flexible_hours
    return pd.Series(too_deep | too_long, index=curtailed_mw.index, name="outside_envelope")


def datacentre_economics(
    centre: DataCentre,
    curtailed_mw: pd.Series,
    tariff_pkr_per_mwh: float | pd.Series,
    usd_exchange_rate: float,
) -> LoadEconomics:
    """The centre's accounts for an hourly curtailment series (MW of facility power shed)."""
    index = pd.DatetimeIndex(curtailed_mw.index)
    curtailed = checked_curtailment(curtailed_mw, centre.grid_mw, f"data centre {centre.name}")
    served = centre.grid_mw - curtailed
    tariff = as_hourly(tariff_pkr_per_mwh, index, "tariff_pkr_per_mwh")
    capital_usd_per_hour = centre.annual_capital_charge_usd / HOURS_PER_YEAR
    hourly = pd.DataFrame(
        {
            "served_mw": served,
            "curtailed_mw": curtailed,
            "tariff_pkr_per_mwh": tariff,
            "revenue_pkr": served * centre.sold_usd_per_mwh * usd_exchange_rate,
            "energy_cost_pkr": served * tariff,
            "opex_pkr": served * centre.opex_usd_per_mwh * usd_exchange_rate,
            "capital_pkr": capital_usd_per_hour * usd_exchange_rate,
        },
        index=index,
    )
    outside = int(outside_envelope(centre, curtailed).sum())
    uptime = 1.0 - outside / len(index) if len(index) else 1.0
    revenue_usd = float((served * centre.sold_usd_per_mwh).sum())
    return close_books(
        centre.name,
        "datacentre",
        centre.grid_mw,
        hourly,
        usd_exchange_rate,
        export_revenue_usd=revenue_usd * centre.export_share,
        capital_usd=centre.capex_usd * period_years(index) / centre.life_years,
        hours_outside_envelope=outside,
        uptime_achieved=uptime,
        meets_uptime=uptime >= centre.uptime_required,
    )
