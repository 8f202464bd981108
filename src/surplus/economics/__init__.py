"""Economics of selling surplus power to flexible loads: tariffs, the loads' profit and loss,
the public finances, the subsidy test and the Strategic Bitcoin Reserve.

The core is pure functions over hourly series (`tariffs`, `subsidy`, `public_finance`,
`reserve`); `assess` and `compare` run them on a dispatch with and without the programme.
Parameters and their sources are declared once in `catalogue` (and in `surplus.loads`).
"""

from surplus.economics.assess import Assumptions, TariffOutcome, assess_tariff
from surplus.economics.catalogue import PROGRAMME, PUBLIC, TARIFFS
from surplus.economics.compare import Comparison, compare_tariffs, default_tariffs
from surplus.economics.programme import Programme, Site, default_programme
from surplus.economics.public_finance import (
    CapacityPayments,
    PublicFinance,
    fuel_fx_usd,
    public_finance,
    repatriated_profit_usd,
    system_cost_pkr,
)
from surplus.economics.reserve import (
    ReserveAccrual,
    ReservePolicy,
    reserve_accrual,
    reserve_by_price,
)
from surplus.economics.siting import prices_with_load
from surplus.economics.subsidy import (
    ServingCost,
    SubsidyTest,
    delta_test_by_month,
    incremental_cost_per_mwh,
    subsidy_test,
)
from surplus.economics.sweeps import price_sweep
from surplus.economics.tariffs import (
    DynamicTariff,
    FixedTariff,
    Tariff,
    TimeOfUseTariff,
    price_pkr_per_mwh,
)

__all__ = [
    "PROGRAMME",
    "PUBLIC",
    "TARIFFS",
    "Assumptions",
    "CapacityPayments",
    "Comparison",
    "DynamicTariff",
    "FixedTariff",
    "Programme",
    "PublicFinance",
    "ReserveAccrual",
    "ReservePolicy",
    "ServingCost",
    "Site",
    "SubsidyTest",
    "Tariff",
    "TariffOutcome",
    "TimeOfUseTariff",
    "assess_tariff",
    "compare_tariffs",
    "default_programme",
    "default_tariffs",
    "delta_test_by_month",
    "fuel_fx_usd",
    "incremental_cost_per_mwh",
    "price_pkr_per_mwh",
    "price_sweep",
    "prices_with_load",
    "public_finance",
    "repatriated_profit_usd",
    "reserve_accrual",
    "reserve_by_price",
    "subsidy_test",
    "system_cost_pkr",
]
