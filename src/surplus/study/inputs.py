"""What a study is asked: the dataset and its changes, the programme, the tariff rules, the
budgets and which stages to run. Plain frozen values, so an ensemble can build thousands of
them and a worker can rebuild the same one from a run's id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surplus.economics.assess import Assumptions
from surplus.economics.catalogue import PROGRAMME
from surplus.headroom.assess import DEFAULT_BUDGETS
from surplus.loads.catalogue import BITCOIN
from surplus.sensitivity import Setting

PROGRAMME_MW = 2000.0
"""The first phase of the programme: 2,000 MW at the three named coal plants."""

TARIFF_RULES = ("proposed_fixed_23", "industrial_b3_27", "dynamic")
"""The tariff rules the economics compares (`surplus.economics.compare.default_tariffs`)."""


@dataclass(frozen=True)
class Programme:
    """The new load asked for: a quota shared equally among named sites."""

    quota_mw: float = PROGRAMME_MW
    sites: tuple[str, ...] | None = None
    """Plant ids or zones for the joint question; None: the named coal plants present."""
    miner_share: float = PROGRAMME.default("miner_share")
    """Share of the economics' programme taken by miners; the rest data centres."""
    value_pkr_per_mwh: float | None = None
    """What serving the new loads is worth in the joint dispatch; None: just above the
    dearest plant's cost."""


@dataclass(frozen=True)
class BitcoinPath:
    """The bitcoin price the miners see: constant, a seeded random path, or a CSV."""

    price_usd: float = BITCOIN.default("btc_price_usd")
    seed: int | None = None
    csv: Path | None = None


@dataclass(frozen=True)
class Stages:
    """Which stages run. The dispatch always does; each other stage reuses its result."""

    headroom: bool = True
    """Zone headroom at every budget, the siting ranking and the joint question."""
    joint_at_cost: bool = True
    """Also ask the joint question at the cost cap (one more dispatch)."""
    siting_prices: bool = True
    """Price each candidate site with its load added (one dispatch per zone)."""
    load_shedding: bool = True
    """Ask the programme's question again on the other side of the load-shedding switch
    (two more dispatches; Pakistan only)."""
    economics: bool = True
    economics_required: bool = False
    """Fail when the dataset lacks the programme's plants, rather than skip the economics."""
    allocation: bool = True


@dataclass(frozen=True)
class StudyInput:
    """Everything one study depends on; `run_study` is a function of this alone."""

    dataset: Path | None = None
    """Dataset folder; None: the embedded Pakistan dataset."""
    settings: tuple[Setting, ...] = ()
    """Changes from the base dataset (`surplus.sensitivity` keys), in order: a later one
    overrides an earlier one."""
    start: pd.Timestamp | None = None
    """First hour studied (UTC); None: the dataset's first."""
    end: pd.Timestamp | None = None
    """End of the hours studied, exclusive (UTC); None: after the dataset's last."""
    programme: Programme = field(default_factory=Programme)
    tariffs: tuple[str, ...] = TARIFF_RULES
    """The tariff rules the economics compares, by name."""
    bitcoin: BitcoinPath = field(default_factory=BitcoinPath)
    assumptions: Assumptions = field(default_factory=Assumptions)
    budgets: tuple[float, ...] = DEFAULT_BUDGETS
    """Curtailment budgets (fractions) at which zone headroom is reported."""
    ranking_budget: float = 0.005
    """The curtailment budget at which sites are ranked."""
    cost_cap_pkr_per_mwh: float | None = None
    """Ceiling for spare capacity at a cost; None: the dataset's."""
    stages: Stages = field(default_factory=Stages)
