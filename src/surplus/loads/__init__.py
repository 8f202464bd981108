"""Flexible loads: Bitcoin miner fleets and AI data centres as loads the grid may curtail.

Each model turns an hourly curtailment series into energy taken, revenue, costs, profit and a
breakeven tariff (`LoadEconomics`). Parameters, ASIC models and sources are declared once in
`catalogue`; the Bitcoin network inputs (price, fees, hashrate, subsidy) live in `bitcoin`.
"""

from surplus.loads.accounts import LoadEconomics, curtailment_from_share
from surplus.loads.bitcoin import (
    BitcoinScenario,
    block_subsidy_btc,
    constant_scenario,
    hashprice_usd_per_phs_day,
    hashrate_from_difficulty_ehs,
    revenue_usd_per_mwh,
    scenario_from_csv,
    stochastic_scenario,
)
from surplus.loads.catalogue import (
    ASIC_MODELS,
    BITCOIN,
    DATA_CENTRE,
    MINER_FLEET,
    SOURCES,
    AsicModel,
    Catalogue,
    Parameter,
    asic_model,
)
from surplus.loads.datacentre import DataCentre, datacentre_economics, outside_envelope
from surplus.loads.miner import Levy, MinerFleet, cash_value_pkr_per_mwh, miner_economics, runs

__all__ = [
    "ASIC_MODELS",
    "BITCOIN",
    "DATA_CENTRE",
    "MINER_FLEET",
    "SOURCES",
    "AsicModel",
    "BitcoinScenario",
    "Catalogue",
    "DataCentre",
    "Levy",
    "LoadEconomics",
    "MinerFleet",
    "Parameter",
    "asic_model",
    "block_subsidy_btc",
    "cash_value_pkr_per_mwh",
    "constant_scenario",
    "curtailment_from_share",
    "datacentre_economics",
    "hashprice_usd_per_phs_day",
    "hashrate_from_difficulty_ehs",
    "miner_economics",
    "outside_envelope",
    "revenue_usd_per_mwh",
    "runs",
    "scenario_from_csv",
    "stochastic_scenario",
]
