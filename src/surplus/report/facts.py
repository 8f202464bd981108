"""Published facts the Pakistan assessment is checked against, each with its source key and
a stated tolerance; a model figure outside it *disagrees*, and the table says so.

Tolerances (docs/calibration.md): utilisation ±5 points, shares of generation ±3 points,
energy of one fuel ±10 %, annual generation ±3 %, K-Electric's drawl ±10 % and its share
±5 points. Published figures are for FY25 (Jul 2024-Jun 2025) unless a row says otherwise;
the dataset is calendar 2025. Source keys resolve in `docs/pakistan-dataset.md`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from surplus.headroom.sites import NAMED_PLANTS
from surplus.report.summary import Assessment, summarise

GENERATION_FY25_GWH = 127_159.0
"""FY25 generation (TOPLINE)."""

SHARES_FY25 = {
    "hydro": 0.3144, "nuclear": 0.1766, "rlng": 0.1748, "coal_local": 0.1223, "gas": 0.0882,
    "coal_imported": 0.0713, "wind": 0.0302, "oil": 0.0041,
}  # fmt: skip
"""FY25 generation mix (TOPLINE): hydel, nuclear, RLNG, local coal, gas, imported coal, wind,
furnace oil."""

Tolerance = Literal["points", "relative"]


@dataclass(frozen=True)
class Fact:
    metric: str
    unit: str
    published: float
    tolerance: float
    kind: Tolerance
    source: str
    measure: Callable[[Assessment], float]
    why: str = ""
    """What the model leaves out that would explain a disagreement (shown when it disagrees)."""

    @property
    def low(self) -> float:
        return self.published - self._width

    @property
    def high(self) -> float:
        return self.published + self._width

    @property
    def _width(self) -> float:
        return self.tolerance if self.kind == "points" else self.tolerance * self.published

    @property
    def tolerance_text(self) -> str:
        """'±5 points' or '±10 %'.

        >>> Fact("x", "share", 0.15, 0.05, "points", "", lambda a: 0.0).tolerance_text
        '±5 points'
        """
        if self.kind == "points":
            return f"±{self.tolerance * 100:g} points"
        return f"±{self.tolerance * 100:g} %"

    def verdict(self, model: float) -> str:
        if not np.isfinite(model):
            return "no figure"
        return "agrees" if self.low - 1e-12 <= model <= self.high + 1e-12 else "disagrees"


# --- measures ------------------------------------------------------------------------------


def _utilisation(assessment: Assessment, plants: pd.Index) -> float:
    table = assessment.utilisation_by_plant.loc[plants]
    capacity = float(table["capacity_mw"].sum())
    if capacity <= 0:
        return float("nan")
    return float(table["energy_gwh"].sum()) * 1000.0 / (capacity * assessment.totals["hours"])


def named_utilisation(assessment: Assessment) -> float:
    plants = assessment.utilisation_by_plant.index.intersection(list(NAMED_PLANTS))
    return _utilisation(assessment, plants)


def fleet_utilisation(fuel: str, zone: str | None = None) -> Callable[[Assessment], float]:
    def measure(assessment: Assessment) -> float:
        table = assessment.utilisation_by_plant
        chosen = table["fuel"] == fuel
        if zone is not None:
            chosen &= table["zone"] == zone
        return _utilisation(assessment, table.index[chosen])

    return measure


def fuel_energy_gwh(fuel: str) -> Callable[[Assessment], float]:
    def measure(assessment: Assessment) -> float:
        table = assessment.utilisation_by_fuel
        return float(table.loc[fuel, "energy_gwh"]) if fuel in table.index else 0.0

    return measure


def fuel_share(fuel: str) -> Callable[[Assessment], float]:
    def measure(assessment: Assessment) -> float:
        generation = float(assessment.totals["generation_gwh"])
        return fuel_energy_gwh(fuel)(assessment) / generation if generation else float("nan")

    return measure


def annual_generation_gwh(assessment: Assessment) -> float:
    return float(assessment.totals["generation_gwh"])


def _december(assessment: Assessment) -> np.ndarray:
    return np.asarray(assessment.dataset.local_snapshots.month == 12)


def ke_drawl_december_mw(assessment: Assessment) -> float:
    """Mean flow on the national grid-K-Electric tie in local December (NaN without it)."""
    flow = assessment.result.flow_mw
    if "ntdc_ke" not in flow.columns or not _december(assessment).any():
        return float("nan")
    return float(flow["ntdc_ke"].to_numpy()[_december(assessment)].mean())


def ke_grid_share_december(assessment: Assessment) -> float:
    """Share of K-Electric's served energy in December that came over the tie."""
    demand = assessment.dataset.demand_mw
    if "ke" not in demand.columns:
        return float("nan")
    december = _december(assessment)
    served = (
        demand["ke"].to_numpy()[december] - assessment.result.unserved_mw["ke"].to_numpy()[december]
    )
    total = float(served.sum())
    return ke_drawl_december_mw(assessment) * int(december.sum()) / total if total else np.nan


# --- the facts -----------------------------------------------------------------------------

_KE_WHY = (
    "The model dispatches K-Electric on cost: it draws the grid's cheaper energy up to the "
    "tie's 1,600 MW whenever the south coast has it. NEPRA reports that K-Electric ran its own "
    "dearer plants instead (Rs 18.63 against 9.60/kWh, Dec 2024, NEPRA-KE). Forcing its plants "
    "on as must-run makes winter hours infeasible while K-2/K-3's must-run output cannot be "
    "spilled, so it is not done. Published for December 2024; the model's is December 2025."
)
_NAMED_WHY = (
    "Port Qasim and China Power Hub run whenever the southern ring and the K-Electric tie "
    "have room after K-2/K-3; K-Electric drawing less than the tie allows (its rows below) is "
    "not reproduced, so the south coast exports more coal than it did. Sahiwal runs where "
    "the RLNG must-run leaves it room. The published figure is one press statement (May 2025)."
)
_OIL_WHY = (
    "Furnace-oil plants kept on near load centres for voltage and stability (NEPRA-NTDC) are "
    "not modelled; the dispatch runs them only when short."
)
_RLNG_WHY = (
    "RLNG runs on take-or-pay cargoes, a monthly obligation; the dataset stands for it with "
    "an hourly must-run share of the four government CCGTs (0.5 of what is available)."
)


def _pakistan_facts() -> tuple[Fact, ...]:
    facts = [
        Fact("utilisation of Sahiwal, China Power Hub, Port Qasim", "share", 0.15, 0.05,
             "points", "COINDESK IDN (May 2025: 'about 15%')", named_utilisation, _NAMED_WHY),
        Fact("imported-coal fleet utilisation", "share", 0.0713 * GENERATION_FY25_GWH / 5_280
             / 8.76, 0.05, "points", "TOPLINE (7.13% of 127,159 GWh on ~5,280 MW)",
             fleet_utilisation("coal_imported"), _NAMED_WHY),
        Fact("Thar coal fleet utilisation", "share", 0.67, 0.05, "points",
             "TOPLINE AHL-AUG24 (~67% on 2,640 MW)", fleet_utilisation("coal_local", "thar")),
        Fact("nuclear fleet utilisation", "share", 0.1766 * GENERATION_FY25_GWH / 3_530 / 8.76,
             0.05, "points", "TOPLINE (17.66% of 127,159 GWh on 3,530 MW)",
             fleet_utilisation("nuclear")),
    ]  # fmt: skip
    whys = {"rlng": _RLNG_WHY, "coal_imported": _NAMED_WHY, "oil": _OIL_WHY}
    facts += [
        Fact(f"{fuel} share of generation", "share", share, 0.03, "points",
             f"TOPLINE (FY25 {share:.2%})", fuel_share(fuel), whys.get(fuel, ""))
        for fuel, share in SHARES_FY25.items()
    ]  # fmt: skip
    facts += [
        Fact(f"{fuel} generation", "GWh", SHARES_FY25[fuel] * GENERATION_FY25_GWH, 0.10,
             "relative", f"TOPLINE ({SHARES_FY25[fuel]:.2%} of 127,159 GWh)",
             fuel_energy_gwh(fuel), whys.get(fuel, ""))
        for fuel in ("coal_imported", "rlng")
    ]  # fmt: skip
    facts += [
        Fact("annual generation", "GWh", GENERATION_FY25_GWH, 0.03, "relative", "TOPLINE (FY25)",
             annual_generation_gwh),
        Fact("K-Electric's drawl from the grid, December mean", "MW", 985.0, 0.10, "relative",
             "NEPRA-KE (Dec 2024)", ke_drawl_december_mw, _KE_WHY),
        Fact("share of K-Electric's energy from the grid, December", "share", 0.74, 0.05,
             "points", "NEPRA-KE (Dec 2024)", ke_grid_share_december, _KE_WHY),
    ]  # fmt: skip
    return tuple(facts)


FACTS: tuple[Fact, ...] = _pakistan_facts()


def compare_with_facts(assessment: Assessment, facts: tuple[Fact, ...] = FACTS) -> pd.DataFrame:
    """One row per fact: model, published, tolerance, band and the verdict ('agrees',
    'disagrees', or 'no figure' where the model has none)."""
    rows = []
    for fact in facts:
        model = float(fact.measure(assessment))
        rows.append(
            {
                "metric": fact.metric,
                "unit": fact.unit,
                "model": model,
                "published": fact.published,
                "tolerance": fact.tolerance_text,
                "low": fact.low,
                "high": fact.high,
                "verdict": fact.verdict(model),
                "source": fact.source,
            }
        )
    return pd.DataFrame(rows).set_index("metric")


def disagreements(table: pd.DataFrame, facts: tuple[Fact, ...] = FACTS) -> list[str]:
    """One sentence per disagreeing fact: the figures and, where known, why."""
    whys = {fact.metric: fact.why for fact in facts}
    notes = []
    for metric, row in table.iterrows():
        if row["verdict"] != "disagrees":
            continue
        unit = "" if row["unit"] == "share" else f" {row['unit']}"
        note = (
            f"Disagrees: {metric}: model {_figure(row['model'], row['unit'])}{unit} against "
            f"{_figure(row['published'], row['unit'])}{unit} published ({row['tolerance']}, "
            f"{row['source']})."
        )
        notes.append(f"{note} {whys.get(str(metric), '')}".strip())
    return notes


def _figure(value: float, unit: str) -> str:
    return f"{value:.1%}" if unit == "share" else f"{value:,.0f}"


def to_markdown(table: pd.DataFrame) -> str:
    """The facts table as Markdown, shares in per cent (for docs/calibration.md)."""
    lines = [
        "| metric | model | published | tolerance | verdict | source |",
        "|---|--:|--:|---|---|---|",
    ]
    for metric, row in table.iterrows():
        unit = "" if row["unit"] == "share" else f" {row['unit']}"
        model, published = (_figure(row[k], row["unit"]) + unit for k in ("model", "published"))
        verdict = f"**{row['verdict']}**" if row["verdict"] == "disagrees" else row["verdict"]
        lines.append(
            f"| {metric} | {model} | {published} | {row['tolerance']} | {verdict} "
            f"| {row['source']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    from surplus.dispatch import dispatch
    from surplus.grid.load import load_dataset

    pakistan = load_dataset()
    print(to_markdown(compare_with_facts(summarise(pakistan, dispatch(pakistan)))))
