"""Published facts the Pakistan assessment is checked against, each with its source key.

Source keys resolve in `docs/pakistan-dataset.md` and the dataset's `dataset.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from surplus.headroom.sites import NAMED_PLANTS
from surplus.report.summary import Assessment


@dataclass(frozen=True)
class Fact:
    metric: str
    published: float
    low: float
    high: float
    unit: str
    source: str


FACTS = (
    Fact(
        "utilisation of Sahiwal, China Power Hub, Port Qasim",
        0.15,
        0.05,
        0.30,
        "share",
        "COINDESK, IDN (May 2025: 'about 15%')",
    ),
    Fact(
        "imported-coal fleet utilisation",
        0.20,
        0.10,
        0.30,
        "share",
        "TOPLINE (FY25: 7.13% of 127,159 GWh on ~5,280 MW)",
    ),
    Fact(
        "Thar (local) coal fleet utilisation",
        0.67,
        0.55,
        0.85,
        "share",
        "TOPLINE, AHL-AUG24 (FY25 ~67%)",
    ),
    Fact("nuclear fleet utilisation", 0.73, 0.65, 0.92, "share", "TOPLINE (FY25 ~73%)"),
    Fact("hydro share of generation", 0.314, 0.26, 0.37, "share", "TOPLINE (FY25 31.44%)"),
    Fact("annual generation", 127_159, 120_000, 134_000, "GWh", "TOPLINE (FY25)"),
)


def _model_values(assessment: Assessment) -> dict[str, float]:
    plants = assessment.utilisation_by_plant
    fuel = assessment.utilisation_by_fuel
    named = plants.loc[plants.index.intersection(list(NAMED_PLANTS))]
    named_cf = (
        float(
            named["energy_gwh"].sum()
            * 1000.0
            / (named["capacity_mw"].sum() * assessment.totals["hours"])
        )
        if len(named)
        else float("nan")
    )
    generation = float(assessment.totals["generation_gwh"])

    def cf(name: str) -> float:
        return float(fuel.loc[name, "utilisation"]) if name in fuel.index else float("nan")

    hydro = float(fuel.loc["hydro", "energy_gwh"]) if "hydro" in fuel.index else 0.0
    return {
        FACTS[0].metric: named_cf,
        FACTS[1].metric: cf("coal_imported"),
        FACTS[2].metric: cf("coal_local"),
        FACTS[3].metric: cf("nuclear"),
        FACTS[4].metric: hydro / generation if generation else float("nan"),
        FACTS[5].metric: generation,
    }


def compare_with_facts(assessment: Assessment) -> pd.DataFrame:
    """Model against published figures; `agrees` is False where the model is out of range."""
    values = _model_values(assessment)
    rows = []
    for fact in FACTS:
        model = values[fact.metric]
        rows.append(
            {
                "metric": fact.metric,
                "unit": fact.unit,
                "model": model,
                "published": fact.published,
                "low": fact.low,
                "high": fact.high,
                "agrees": bool(fact.low <= model <= fact.high),
                "source": fact.source,
            }
        )
    return pd.DataFrame(rows).set_index("metric")
